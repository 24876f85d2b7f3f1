using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// Accent removal that works without ICU: canonical decomposition (NFD) followed by dropping non-spacing marks,
/// which is what the Hugging Face uncased BERT tokenizer does ("Héllo café" → "Hello cafe").
/// </summary>
/// <remarks>
/// The solution builds with <c>InvariantGlobalization=true</c>, and then <see cref="string.Normalize()"/> does
/// not decompose anything: both our own normaliser and Microsoft.ML.Tokenizers' <c>RemoveNonSpacingMarks</c>
/// silently kept accents (the tokenizer turned "café" into [UNK]). The generated table
/// (<c>UnicodeFolding.Table.cs</c>, from <c>tools/make-unicode-folding.py</c>) covers every BMP character whose
/// folded form differs; Hangul syllables are decomposed algorithmically (Unicode §3.12); characters outside the
/// BMP are left unchanged (none of them is an accented letter).
/// </remarks>
internal static partial class UnicodeFolding
{
    private static readonly FrozenDictionary<char, string> _map = BuildMap();

    /// <summary>Returns <paramref name="text"/> in NFD with all non-spacing marks (category Mn) removed.</summary>
    public static string RemoveDiacritics(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Ascii.IsValid(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is >= '\uAC00' and <= '\uD7A3')
            {
                AppendHangul(builder, c);
            }
            else if (_map.TryGetValue(c, out var folded))
            {
                builder.Append(folded);
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static void AppendHangul(StringBuilder builder, char syllable)
    {
        var index = syllable - 0xAC00;
        builder.Append((char)(0x1100 + (index / 588)));
        builder.Append((char)(0x1161 + (index % 588 / 28)));
        if (index % 28 != 0)
        {
            builder.Append((char)(0x11A7 + (index % 28)));
        }
    }

    private static FrozenDictionary<char, string> BuildMap()
    {
        var values = TableValues.Split('|');
        if (values.Length != TableKeys.Length)
        {
            // A hand-edited table would silently mis-map characters; fail at type initialisation instead.
            throw new InvalidOperationException(
                $"UnicodeFolding table is inconsistent: {TableKeys.Length} keys, {values.Length} values. Regenerate it.");
        }

        var map = new Dictionary<char, string>(TableKeys.Length);
        for (var i = 0; i < TableKeys.Length; i++)
        {
            map[TableKeys[i]] = values[i];
        }

        return map.ToFrozenDictionary();
    }
}
