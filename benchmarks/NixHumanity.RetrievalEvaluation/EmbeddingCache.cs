using System.Security.Cryptography;
using System.Text;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>
/// An optional on-disk cache of embeddings (<c>--embedding-cache DIR</c>), one file per embedder id, keyed by the
/// sha256 of the text. Embedding LoCoMo with all-MiniLM-L6-v2 takes minutes on the shared cores; studying a change
/// of fusion or tokenisation needs the same vectors again and again. The cache lives outside the repository (it
/// holds vectors of LoCoMo text, which is never committed). Embedding timings of a cached run are not meaningful.
/// </summary>
internal static class EmbeddingCache
{
    private static string? _folder;

    /// <summary>Whether the cache is on (embedding timings then mean nothing).</summary>
    public static bool Enabled => _folder is not null;

    /// <summary>Turns the cache on (a folder) or off (null).</summary>
    public static void Configure(string? folder)
    {
        _folder = folder;
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
    }

    /// <summary>The vectors of <paramref name="texts"/>, from the cache where present, embedding (and caching) the rest.</summary>
    public static float[][] EmbedAll(IEmbedder embedder, IReadOnlyList<string> texts, Func<IReadOnlyList<string>, float[][]> embed)
    {
        if (_folder is null)
        {
            return embed(texts);
        }

        var path = Path.Combine(_folder, string.Concat(embedder.Id.Select(c => char.IsLetterOrDigit(c) ? c : '_')) + ".bin");
        var cached = Read(path);
        var missing = texts.Where(t => !cached.ContainsKey(Key(t))).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var vectors = embed(missing);
            using var writer = new BinaryWriter(File.Open(path, FileMode.Append));
            for (var i = 0; i < missing.Count; i++)
            {
                var key = Key(missing[i]);
                cached[key] = vectors[i];
                writer.Write(key);
                writer.Write(vectors[i].Length);
                foreach (var x in vectors[i])
                {
                    writer.Write(x);
                }
            }
        }

        return texts.Select(t => cached[Key(t)]).ToArray();
    }

    private static Dictionary<string, float[]> Read(string path)
    {
        var cached = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return cached;
        }

        using var reader = new BinaryReader(File.OpenRead(path));
        while (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            var key = reader.ReadString();
            var vector = new float[reader.ReadInt32()];
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = reader.ReadSingle();
            }

            cached[key] = vector;
        }

        return cached;
    }

    private static string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
