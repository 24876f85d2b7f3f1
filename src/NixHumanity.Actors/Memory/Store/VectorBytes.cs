using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The stored form of a vector (schema 2): its float32 values (as many as the store's dimension) as one BLOB
/// of little-endian bytes. Writing and reading it is a copy, where DuckDB's <c>FLOAT[384]</c> list went through a
/// boxed list per row in DuckDB.NET and compressed poorly when appended in small batches (docs/adr/0022).
/// </summary>
internal static class VectorBytes
{
    /// <summary>Bytes of one stored vector of <paramref name="dimensions"/> components.</summary>
    public static int LengthOf(int dimensions) => dimensions * sizeof(float);

    /// <summary>Writes <paramref name="vector"/> into <paramref name="bytes"/> (exactly four bytes per component).</summary>
    public static void Write(ReadOnlySpan<float> vector, Span<byte> bytes)
    {
        if (bytes.Length != LengthOf(vector.Length))
        {
            throw new ArgumentException($"a stored vector of {vector.Length} values takes {LengthOf(vector.Length)} bytes, not {bytes.Length}");
        }

        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(vector).CopyTo(bytes);
            return;
        }

        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes[(i * sizeof(float))..], vector[i]);
        }
    }

    /// <summary>Reads one stored vector from <paramref name="stream"/> into <paramref name="vector"/> (its length is the store's dimension).</summary>
    /// <exception cref="InvalidDataException">The BLOB in <paramref name="path"/> is not four bytes per component long.</exception>
    public static void Read(Stream stream, Span<float> vector, string path)
    {
        var bytes = MemoryMarshal.AsBytes(vector);
        var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read != bytes.Length || stream.ReadByte() != -1)
        {
            throw new InvalidDataException($"{path}: a stored vector is not {bytes.Length} bytes; delete the file to rebuild it from the journal");
        }

        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
            }
        }
    }
}
