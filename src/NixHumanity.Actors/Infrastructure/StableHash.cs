using System.Text;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// 32-bit FNV-1a over UTF-8 bytes. Used instead of <see cref="string.GetHashCode()"/>, which is randomised per
/// process: stored vectors must be reproducible across runs and machines.
/// </summary>
internal static class StableHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>FNV-1a of the UTF-8 encoding of <paramref name="text"/>, started from <paramref name="seed"/>.</summary>
    public static uint Fnv1a(ReadOnlySpan<char> text, uint seed = OffsetBasis)
    {
        Span<byte> buffer = stackalloc byte[256];
        var byteCount = Encoding.UTF8.GetMaxByteCount(text.Length);
        var bytes = byteCount <= buffer.Length ? buffer : new byte[byteCount];
        var written = Encoding.UTF8.GetBytes(text, bytes);
        var hash = seed;
        foreach (var b in bytes[..written])
        {
            hash ^= b;
            hash *= Prime;
        }

        // FNV-1a's low bits mix poorly for short inputs; a final avalanche (murmur3 fmix32) spreads them,
        // which matters because the bucket is taken modulo a small dimension count.
        hash ^= hash >> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >> 16;
        return hash;
    }
}
