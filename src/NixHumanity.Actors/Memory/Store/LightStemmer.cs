namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// A light English suffix stripper for the word channel: plural "-s"/"-es"/"-ies" (Harman's S-stemmer), "-ing",
/// "-ed" and a final "-e", so "painting"/"paints"/"painted" and "update"/"updating"/"updated" meet on one term.
/// Deliberately lighter than Porter's: it never cuts derivational suffixes ("generation" and "general" stay apart,
/// as do "install" and "installation"), which would merge the short, technical words of commands. Applied to both
/// what is remembered and what is asked, so it only has to be consistent, not linguistically right
/// (docs/retrieval.md, "Channels"; the figures that chose it are in docs/benchmarks-retrieval.md).
/// </summary>
internal static class LightStemmer
{
    /// <summary>The stem of <paramref name="word"/> (lower case, as <see cref="MemoryTokens"/> gives it).</summary>
    public static string Stem(string word)
    {
        if (word.Length < 4 || !word.Any(char.IsLetter))
        {
            return word;
        }

        var stem = Plural(word);
        if (stem.Length >= 6 && stem.EndsWith("ing", StringComparison.Ordinal))
        {
            stem = Undouble(stem[..^3]);
        }
        else if (stem.Length >= 5 && stem.EndsWith("ed", StringComparison.Ordinal))
        {
            var bare = stem[..^2];
            stem = bare.EndsWith('i') ? bare[..^1] + "y" : Undouble(bare);
        }

        return stem.Length >= 4 && stem.EndsWith('e') ? stem[..^1] : stem;
    }

    /// <summary>Harman's S-stemmer: "-ies" → "-y", "-es" after s/x/z dropped, a final "-s" dropped (not "-us", "-ss").</summary>
    private static string Plural(string word)
    {
        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4 && !word.EndsWith("eies", StringComparison.Ordinal) && !word.EndsWith("aies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }

        if (word.EndsWith("es", StringComparison.Ordinal) && (word[^3] is 's' or 'x' or 'z') && !word.EndsWith("aes", StringComparison.Ordinal) && !word.EndsWith("ees", StringComparison.Ordinal) && !word.EndsWith("oes", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        return word.EndsWith('s') && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal) ? word[..^1] : word;
    }

    /// <summary>"runn" → "run", "stopp" → "stop"; a doubled l, s or z stays ("install", "pass", "buzz").</summary>
    private static string Undouble(string stem) =>
        stem.Length >= 3 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z') && !char.IsDigit(stem[^1]) ? stem[..^1] : stem;
}
