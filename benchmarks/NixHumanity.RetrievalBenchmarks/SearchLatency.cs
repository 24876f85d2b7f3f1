using System.Diagnostics;
using System.Globalization;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.RetrievalBenchmarks;

/// <summary>
/// Search latency of a store of N synthetic memories: vector-only (dense channel) against text + vector (three
/// channels fused), same queries, after one warm-up search that derives the lexical channels. Query embedding is not
/// included (random unit vectors stand in for it).
/// </summary>
internal static class SearchLatency
{
    public static void Run(int memories, int queries)
    {
        var folder = Directory.CreateTempSubdirectory("nixh-search-latency-");
        try
        {
            var random = new Random(3);
            var texts = LexicalBuild.Texts(memories, random);
            using var store = VectorMemoryStore.Open(Path.Combine(folder.FullName, VectorMemoryStore.FileName));
            var at = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
            for (var from = 0; from < memories; from += 1000)
            {
                store.Upsert(Enumerable.Range(from, Math.Min(1000, memories - from))
                    .Select(i => ((long)i + 1, new MemoryRecord(texts[i].Command, texts[i].Text, Vector(random), "bench", at, i % 3 != 0)))
                    .ToList());
            }

            var asked = Enumerable.Range(0, queries).Select(i => new MemoryQuery(texts[random.Next(memories)].Text.Replace("install", "instal", StringComparison.Ordinal), Vector(random))).ToList();
            var warm = Stopwatch.StartNew();
            store.Search(asked[0], 10);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first text search (derives the lexical channels): {warm.Elapsed.TotalMilliseconds:F0} ms"));
            Console.WriteLine("| memories | search | p50 | p95 |");
            Console.WriteLine("|---|---|---|---|");
            Print(memories, "vector only (dense)", asked.Select(q => Time(() => store.Search(q.Vector, 10))).ToList());
            Print(memories, "text + vector (fused)", asked.Select(q => Time(() => store.Search(q, 10))).ToList());
            Print(memories, "fused, --where success_rate > 0.8", asked.Select(q => Time(() => store.Search(q, 10, "success_rate > 0.8"))).ToList());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static double Time(Action search)
    {
        var watch = Stopwatch.StartNew();
        search();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static void Print(int memories, string name, List<double> times)
    {
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {memories:N0} | {name} | {times[times.Count / 2]:F2} ms | {times[(int)(times.Count * 0.95)]:F2} ms |"));
    }

    private static float[] Vector(Random random)
    {
        var vector = new float[VectorMemoryStore.DefaultDimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }
}
