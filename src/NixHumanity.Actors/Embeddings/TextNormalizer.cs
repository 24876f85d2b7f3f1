using System.Text;

namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// Light, culture-invariant text normalisation shared by the lexical embedders: lower-case, accents removed,
/// every character that is not a letter or digit becomes a word break ("nix-env -iA" → "nix", "env", "ia").
/// </summary>
internal static class TextNormalizer
{
    // Words that carry no meaning in a request to the assistant. Kept deliberately small: "on", "off", "up",
    // "not" and "no" stay because they change what is being asked ("turn off", "stopped working", "not found").
    private static readonly HashSet<string> _stopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "to", "of", "for", "in", "at", "by", "with", "from", "into",
        "i", "im", "me", "my", "mine", "we", "our", "you", "your", "it", "its", "this", "that", "these", "those",
        "is", "are", "am", "was", "be", "been", "do", "does", "did", "can", "could", "would", "will", "should",
        "please", "pls", "plz", "hey", "hi", "hello", "ok", "okay", "just", "some", "and", "or", "so", "now",
        "how", "what", "want", "wanna", "need", "like", "id", "ill", "let", "lets", "there", "thing", "s", "t",
    };

    /// <summary>Splits <paramref name="text"/> into normalised words (stop words included).</summary>
    /// <param name="text">Any text.</param>
    /// <returns>The lower-case, accent-free words in order.</returns>
    public static List<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Not string.Normalize: it is a no-op under InvariantGlobalization (see UnicodeFolding).
        var decomposed = UnicodeFolding.RemoveDiacritics(text);
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in decomposed)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (c == '\'' || c == '\u2019')
            {
                // "don't" → "dont", "I'm" → "im": apostrophes join rather than split, so contractions stay one word.
                continue;
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    /// <summary>
    /// The content words of <paramref name="text"/>: <see cref="Words"/> without stop words, unless the text
    /// consists only of stop words (then all words are kept so that it still has a non-zero embedding).
    /// </summary>
    /// <param name="text">Any text.</param>
    /// <returns>The content words in order.</returns>
    public static List<string> ContentWords(string text)
    {
        var words = Words(text);
        var content = words.Where(w => !_stopWords.Contains(w)).ToList();
        return content.Count > 0 ? content : words;
    }

    /// <summary>Whether <paramref name="word"/> (already normalised) is one of the built-in stop words.</summary>
    /// <param name="word">A normalised word.</param>
    /// <returns><see langword="true"/> for a stop word.</returns>
    public static bool IsStopWord(string word) => _stopWords.Contains(word);
}
