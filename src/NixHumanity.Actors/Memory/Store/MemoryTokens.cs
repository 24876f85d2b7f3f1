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
        ForEachTrigram(words, gram => grams.Add(gram.ToString()));
        return grams;
    }

    /// <summary>Calls <paramref name="action"/> with each 3-gram of <see cref="Trigrams"/>, without allocating strings.</summary>
    public static void ForEachTrigram(IReadOnlyList<string> words, TrigramAction action)
    {
        Span<char> padded = stackalloc char[66];
        foreach (var word in words)
        {
            var buffer = word.Length + 2 <= padded.Length ? padded : new char[word.Length + 2];
            buffer[0] = '#';
            word.AsSpan().CopyTo(buffer[1..]);
            buffer[word.Length + 1] = '#';
            for (var i = 0; i + 3 <= word.Length + 2; i++)
            {
                action(buffer.Slice(i, 3));
            }
        }
    }

    /// <summary>Receives one 3-gram.</summary>
    public delegate void TrigramAction(ReadOnlySpan<char> gram);
}
