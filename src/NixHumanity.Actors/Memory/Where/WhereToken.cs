namespace NixHumanity.Actors.Memory.Where;

/// <summary>One token of a prefilter, with its position in the original text for error messages.</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Text">Identifiers lower-cased, strings unescaped, <c>==</c> as <c>=</c>; empty at the end.</param>
/// <param name="Position">Zero-based character offset in the predicate.</param>
internal readonly record struct WhereToken(WhereTokenKind Kind, string Text, int Position);
