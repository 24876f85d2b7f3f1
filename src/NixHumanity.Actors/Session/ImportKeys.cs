using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NixHumanity.Actors.Session;

/// <summary>
/// Deterministic keys of imported rows, so that importing the same file twice adds nothing.
/// </summary>
/// <remarks>
/// A key is the first 128 bits (32 hex digits) of the SHA-256 of the source kind, the table, and the row's
/// identity and content, each part length-prefixed so that no two different rows can spell the same input. An
/// edited row therefore gets a new key and is imported again (the journal is append-only). The session state keeps
/// only the first 64 bits of each key (<see cref="Compact"/>): 8 bytes per imported row in the snapshot, with a
/// chance of a false "duplicate" of about n²/2⁶⁵ (below one in ten million for a million rows).
/// </remarks>
internal static class ImportKeys
{
    /// <summary>Number of hex digits of a key.</summary>
    public const int Length = 32;

    /// <summary>The key of a row made of <paramref name="parts"/> (null parts are distinct from empty ones).</summary>
    public static string For(params ReadOnlySpan<string?> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            builder.Append(part is null ? "-1" : part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part).Append('\n');
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString()));
        return Convert.ToHexStringLower(hash.AsSpan(0, Length / 2));
    }

    /// <summary>True for 32 lower-case hex digits.</summary>
    public static bool IsValid(string? key) =>
        key is { Length: Length } && key.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>The 64-bit form the session state remembers.</summary>
    public static ulong Compact(string key) => ulong.Parse(key.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    /// <summary>Packs compact keys into sorted little-endian bytes, as base64 (the snapshot form).</summary>
    internal static string? Pack(IReadOnlyCollection<ulong> keys)
    {
        if (keys.Count == 0)
        {
            return null;
        }

        var sorted = keys.Order().ToArray();
        var bytes = new byte[sorted.Length * sizeof(ulong)];
        for (var i = 0; i < sorted.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), sorted[i]);
        }

        return Convert.ToBase64String(bytes);
    }

    /// <summary>The inverse of <see cref="Pack"/>.</summary>
    internal static IEnumerable<ulong> Unpack(string? packed)
    {
        if (string.IsNullOrEmpty(packed))
        {
            yield break;
        }

        var bytes = Convert.FromBase64String(packed);
        for (var offset = 0; offset + sizeof(ulong) <= bytes.Length; offset += sizeof(ulong))
        {
            yield return BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset));
        }
    }
}
