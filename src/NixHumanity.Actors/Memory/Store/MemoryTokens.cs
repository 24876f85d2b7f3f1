using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The terms of the lexical channels, with the embedders' own normalisation (<see cref="TextNormalizer"/>: lower
/// case, accents folded, punctuation as word breaks, stop words dropped), so "Instalá Firefox" and "nix-env -iA
/// nixpkgs.firefox" meet on "firefox".
/// </summary>
internal static class MemoryTokens
{
    // Spoken fillers: a voice request ("um, can you put vlc on") carries them and a remembered one rarely does, so as
    // terms they only lower the request's normalised BM25 (their idf counts in its highest attainable score). The
    // normaliser's stop words (shared with the embedders, whose vectors must not change) already drop politeness
    // ("please", "could", "want"); these are dropped by the lexical channels only.
    private static readonly HashSet<string> _fillers = new(StringComparer.Ordinal)
    {
        "um", "umm", "uh", "uhm", "erm", "er", "hmm", "oh", "ah", "yeah", "well", "actually", "basically",
    };

    /// <summary>The content words of what was said and of the command, spoken fillers left out.</summary>
    public static List<string> Words(string text, string? command = null)
    {
        var words = TextNormalizer.ContentWords(text);
        if (command is not null)
        {
            words.AddRange(TextNormalizer.ContentWords(command));
        }

        words.RemoveAll(_fillers.Contains);
        return words;
    }

    /// <summary>The terms of the word channel: <paramref name="words"/> stemmed (<see cref="LightStemmer"/>).</summary>
    public static List<string> Stems(List<string> words) => words.ConvertAll(LightStemmer.Stem);

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
