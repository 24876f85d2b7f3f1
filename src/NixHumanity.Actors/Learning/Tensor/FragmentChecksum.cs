using System.Security.Cryptography;

namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>A fragment file's size and SHA-256 (lower-case hex), as the manifest lists it.</summary>
/// <param name="Bytes">The file's length.</param>
/// <param name="Sha256">Its SHA-256.</param>
internal sealed record FragmentChecksum(long Bytes, string Sha256)
{
    /// <summary>The size and checksum of the file at <paramref name="path"/>.</summary>
    public static FragmentChecksum Of(string path)
    {
        using var stream = File.OpenRead(path);
        var hash = SHA256.HashData(stream);
        return new FragmentChecksum(stream.Length, Convert.ToHexStringLower(hash));
    }
}
