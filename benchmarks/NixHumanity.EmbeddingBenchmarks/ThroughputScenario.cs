using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.EmbeddingBenchmarks;

/// <summary>
/// Batched embedding throughput of the packaged all-MiniLM-L6-v2 (issue 11 point 7: ≥ 300 short texts/s on 2 cores),
/// the embedder against <see cref="ReferenceBatchEmbedder"/> (the batching before the speed work) in one process,
/// alternating round by round so load changes hit both; plus a query's cost uncached and from the query cache.
/// Usage: dotnet run -c Release --project benchmarks/NixHumanity.EmbeddingBenchmarks -- --throughput [--rounds 5] [--seconds 2]
/// </summary>
internal static class ThroughputScenario
{
    public static int Run(string[] args, string root)
    {
        var rounds = 5;
        var seconds = 2.0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds":
                    rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds":
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'");
                    return 2;
            }
        }

        var assembly = PackagedMiniLm.DefaultAssemblyPath;
        using var embedder = PackagedMiniLm.Load(assembly);
        using var reference = new ReferenceBatchEmbedder(embedder, ManifestResourceFile.Read(assembly, PackagedMiniLm.ModelResource));
        var sets = new (string Name, List<string> Texts)[]
        {
            ("256 uniform short texts", Enumerable.Range(0, 256).Select(i => $"please install program number {i} and update the system").ToList()),
            ("the NixOS requests ×3, shuffled", NixOsRequests(root)),
        };
        Console.WriteLine($"{Environment.ProcessorCount} logical CPUs, load average {LoadAverage()}, {rounds} rounds of {seconds} s per side");
        foreach (var (name, texts) in sets)
        {
            var tokens = texts.Select(t => embedder.Tokenize(t).Count).ToList();
            Console.WriteLine($"{name}: {texts.Count} texts, {tokens.Min()}–{tokens.Max()} tokens (mean {tokens.Average():0.0})");
            Compare(embedder, reference, texts, rounds, seconds);
        }

        QueryCost(embedder);
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private static void Compare(OnnxSentenceEmbedder embedder, ReferenceBatchEmbedder reference, List<string> texts, int rounds, double seconds)
    {
        var before = reference.EmbedBatch(texts);
        var after = embedder.EmbedBatch(texts);
        var minCosine = before.Zip(after, (a, b) => TensorPrimitives.CosineSimilarity(a, b)).Min();
        var referenceRates = new List<double>();
        var embedderRates = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Which side goes first alternates, so a load change within a round does not always favour one.
            if (round % 2 == 0)
            {
                referenceRates.Add(Rate(() => reference.EmbedBatch(texts), texts.Count, seconds));
                embedderRates.Add(Rate(() => embedder.EmbedBatch(texts), texts.Count, seconds));
            }
            else
            {
                embedderRates.Add(Rate(() => embedder.EmbedBatch(texts), texts.Count, seconds));
                referenceRates.Add(Rate(() => reference.EmbedBatch(texts), texts.Count, seconds));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round + 1}: before {referenceRates[^1]:0} texts/s, after {embedderRates[^1]:0} texts/s (load {LoadAverage()})"));
        }

        var ratios = referenceRates.Zip(embedderRates, (b, a) => a / b).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  median: before {Median(referenceRates):0} texts/s, after {Median(embedderRates):0} texts/s; " +
            $"after/before per round {ratios[0]:0.00}–{ratios[^1]:0.00} (median {Median(ratios):0.00}); min cosine before vs after {minCosine:0.000000}"));
    }

    private static void QueryCost(OnnxSentenceEmbedder embedder)
    {
        var cache = new QueryEmbeddingCache();
        const string query = "my wifi stopped working after the update";
        cache.GetOrEmbed(embedder, query);
        var uncached = Enumerable.Range(0, 50).Select(_ => Time(() => embedder.Embed(query))).ToList();
        var cached = Enumerable.Range(0, 50).Select(_ => Time(() => cache.GetOrEmbed(embedder, query))).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"query embedding, median of 50: model {Median(uncached):0.000} ms, query cache hit {Median(cached) * 1000:0.0} µs"));
    }

    private static double Rate(Action embed, int count, double seconds)
    {
        var clock = Stopwatch.StartNew();
        var texts = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            embed();
            texts += count;
        }

        return texts / clock.Elapsed.TotalSeconds;
    }

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static List<string> NixOsRequests(string root)
    {
        var path = Path.Combine(root, "tests", "NixHumanity.Actors.Tests", "Embeddings", "nixos-requests.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var queries = json.RootElement.GetProperty("queries").EnumerateArray().Select(q => q.GetProperty("text").GetString()!).ToList();
        var random = new Random(11);
        return Enumerable.Repeat(queries, 3).SelectMany(q => q).OrderBy(_ => random.Next()).ToList();
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
