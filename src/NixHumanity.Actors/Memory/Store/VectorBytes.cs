using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The stored form of a vector (schema 2): its <see cref="VectorMemoryStore.Dimensions"/> float32 values as one BLOB
/// of little-endian bytes. Writing and reading it is a copy, where DuckDB's <c>FLOAT[384]</c> list went through a
/// boxed list per row in DuckDB.NET and compressed poorly when appended in small batches (docs/adr/0022).
/// </summary>
internal static class VectorBytes
{
    /// <summary>Bytes of one stored vector.</summary>
    public const int Length = VectorMemoryStore.Dimensions * sizeof(float);

    /// <summary>Writes <paramref name="vector"/> into <paramref name="bytes"/> (exactly <see cref="Length"/> bytes).</summary>
    public static void Write(ReadOnlySpan<float> vector, Span<byte> bytes)
    {
        if (vector.Length != VectorMemoryStore.Dimensions || bytes.Length != Length)
        {
            throw new ArgumentException($"a stored vector has {VectorMemoryStore.Dimensions} values in {Length} bytes");
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

    /// <summary>Reads one stored vector from <paramref name="stream"/> into <paramref name="vector"/>.</summary>
    /// <exception cref="InvalidDataException">The BLOB in <paramref name="path"/> is not <see cref="Length"/> bytes long.</exception>
    public static void Read(Stream stream, Span<float> vector, string path)
    {
        var bytes = MemoryMarshal.AsBytes(vector);
        var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read != Length || stream.ReadByte() != -1)
        {
            throw new InvalidDataException($"{path}: a stored vector is not {Length} bytes; delete the file to rebuild it from the journal");
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
