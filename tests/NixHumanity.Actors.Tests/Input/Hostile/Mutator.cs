using System.Text;

namespace NixHumanity.Actors.Tests.Input.Hostile;

/// <summary>
/// Seeded mutations of a valid input's text: flipped, inserted, deleted, duplicated and truncated characters, with a
/// bias to what breaks parsers (quotes, brackets, separators, control characters, lone surrogates, extreme numbers).
/// The same seed gives the same mutations, so a failing case can be replayed.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly string[] Interesting =
    [
        "\0", "\u001b[2J", "\u0007", "\r", "\n", "\t", "'", "''", "\"", "\\", "%", "_", "_%_%_%_%", "(", ")", "((((((((", ",", ";", "--", "/*",
        "NaN", "Infinity", "-1", "1e309", "2999-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "9999999999999999999", "0.5", "null", "true",
        "{", "}", "[", "]", ":", "\ud800", "\udfff", "\u202e", "é", "ℕ", " OR 1=1", " NOT", "read_csv('/etc/passwd')", "..", "/",
    ];

    private readonly Random _random = new(seed);

    /// <summary><paramref name="text"/> with one to four mutations.</summary>
    public string Mutate(string text)
    {
        var builder = new StringBuilder(text);
        var count = _random.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            MutateOnce(builder);
        }

        return builder.ToString();
    }

    /// <summary>A number from 0 to <paramref name="max"/> - 1, from the same seeded sequence (which cell to mutate).</summary>
    public int Next(int max) => _random.Next(max);

    /// <summary>
    /// <paramref name="bytes"/> with one to eight bytes flipped, a span zeroed, or the file cut short: what a damaged
    /// or truncated binary file (an SQLite import) looks like.
    /// </summary>
    public byte[] MutateBytes(byte[] bytes)
    {
        var mutated = bytes.ToArray();
        switch (_random.Next(4))
        {
            case 0:
                return mutated[.._random.Next(mutated.Length)];
            case 1:
                var start = _random.Next(mutated.Length);
                Array.Clear(mutated, start, Math.Min(mutated.Length - start, _random.Next(1, 4096)));
                return mutated;
            default:
                // Most flips land in the header and the first pages, where the schema and the b-tree roots are.
                var reach = _random.Next(2) == 0 ? Math.Min(mutated.Length, 8192) : mutated.Length;
                for (var i = _random.Next(1, 9); i > 0; i--)
                {
                    mutated[_random.Next(reach)] ^= (byte)_random.Next(1, 256);
                }

                return mutated;
        }
    }

    private void MutateOnce(StringBuilder text)
    {
        var at = text.Length == 0 ? 0 : _random.Next(text.Length);
        switch (_random.Next(6))
        {
            case 0:
                text.Insert(at, Interesting[_random.Next(Interesting.Length)]);
                break;
            case 1 when text.Length > 0:
                text[at] = (char)_random.Next(0, 0x80);
                break;
            case 2 when text.Length > 0:
                text.Remove(at, Math.Min(text.Length - at, _random.Next(1, 16)));
                break;
            case 3 when text.Length > 0:
                var span = text.ToString(at, Math.Min(text.Length - at, _random.Next(1, 32)));
                text.Insert(at, string.Concat(Enumerable.Repeat(span, _random.Next(2, 200))));
                break;
            case 4 when text.Length > 0:
                text.Length = at;
                break;
            default:
                if (text.Length > 0)
                {
                    text.Remove(at, 1);
                }

                text.Insert(at, Interesting[_random.Next(Interesting.Length)]);
                break;
        }
    }
}
