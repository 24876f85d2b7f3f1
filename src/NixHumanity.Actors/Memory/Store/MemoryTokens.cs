using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The terms of the lexical channels, with the embedders' own normalisation (<see cref="TextNormalizer"/>: lower
/// case, accents folded, punctuation as word breaks, stop words dropped), so "Instalá Firefox" and "nix-env -iA
/// nixpkgs.firefox" meet on "firefox".
/// </summary>
internal static class MemoryTokens
{
    /// <summary>The content words of what was said and of the command.</summary>
    public static List<string> Words(string text, string? command = null)
    {
        var words = TextNormalizer.ContentWords(text);
        if (command is not null)
        {
            words.AddRange(TextNormalizer.ContentWords(command));
        }

        return words;
    }

    /// <summary>
    /// The character 3-grams of <paramref name="words"/>, each word padded with '#' at both ends ("fox" → "#fo",
    /// "fox", "ox#"), so one typo only disturbs the three grams around it.
    /// </summary>
    public static List<string> Trigrams(IReadOnlyList<string> words)
    {
        var grams = new List<string>();
        foreach (var word in words)
        {
            var padded = "#" + word + "#";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                grams.Add(padded.Substring(i, 3));
            }
        }

        return grams;
    }
}
