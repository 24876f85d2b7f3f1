namespace NixHumanity.Actors.Memory.Where;

/// <summary>What a <see cref="WhereToken"/> is.</summary>
internal enum WhereTokenKind
{
    /// <summary>A bare word (column, function, keyword), lower-cased.</summary>
    Identifier,

    /// <summary>A finite decimal number as written.</summary>
    Number,

    /// <summary>A single-quoted string, unescaped.</summary>
    String,

    /// <summary>An operator or punctuation.</summary>
    Symbol,

    /// <summary>The end of the predicate.</summary>
    End,
}
