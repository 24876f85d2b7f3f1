using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.VectorBenchmarks;

/// <summary>
/// Scenario benchmark (issue 4, point 8): the vector memory store against LanceDB on identical clustered 384-d
/// vectors and metadata, the same filter and k, in one run. Writes the data files the LanceDB peer reads, runs the
/// peer (node benchmarks/lancedb-peer/bench.mjs) after measuring the store, and prints markdown tables.
/// Usage: dotnet run -c Release --project benchmarks/NixHumanity.VectorBenchmarks -- [--rows 10000,100000]
///        [--queries 200] [--passes 2] [--data DIR] [--peer DIR] [--no-peer] [--ivf] [--no-hnsw] [--shared]
/// <c>--shared</c> opens the store as a node does, attached to the shared instance of its folder (docs/adr/0036: its
/// checkpoint every 256 KB of log and its row-group policy, docs/adr/0040 and 0051) instead of an instance of its own.
/// </summary>
internal static class Program
{
    private const int K = 10;
    private const string Filter = "success_rate > 0.8";
    private const int BatchSize = 1000;
    private const int Clusters = 200;
    private const double Spread = 0.8;

    public static int Main(string[] args)
    {
        var rowCounts = new List<int> { 10_000, 100_000 };
        var queryCount = 200;
        var passes = 2;
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../data"));
        var peer = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../lancedb-peer"));
        var runPeer = true;
        var ivf = false;
        var hnsw = true;
        var shared = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows":
                    rowCounts = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
                    break;
                case "--queries":
                    queryCount = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--passes":
                    passes = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--data":
                    root = Path.GetFullPath(args[++i]);
                    break;
                case "--peer":
                    peer = Path.GetFullPath(args[++i]);
                    break;
                case "--no-peer":
                    runPeer = false;
                    break;
                case "--ivf":
                    ivf = true;
                    break;
                case "--no-hnsw":
                    hnsw = false;
                    break;
                case "--shared":
                    shared = true;
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]}");
                    return 2;
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        report.AppendLine(CultureInfo.InvariantCulture, $"Data: {Clusters} gaussian clusters (noise norm ≈ {Spread}), 384-d, normalised; {queryCount} queries × {passes} passes; k = {K}; filter `{Filter}`; batches of {BatchSize}.");
        var all = new JsonArray();
        foreach (var rows in rowCounts)
        {
            var section = RunScenario(rows, queryCount, passes, Path.Combine(root, $"n{rows}"), peer, runPeer, ivf && rows >= 100_000, hnsw, shared);
            report.Append(section.Markdown);
            all.Add(section.Json);
        }

        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "results.md"), report.ToString());
        File.WriteAllText(Path.Combine(root, "results.json"), all.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine();
        Console.WriteLine(report.ToString());
        Console.WriteLine($"written: {Path.Combine(root, "results.md")}");
        return 0;
    }

    private static (string Markdown, JsonObject Json) RunScenario(int rows, int queryCount, int passes, string dir, string peer, bool runPeer, bool ivf, bool hnsw, bool shared)
    {
        Console.WriteLine($"== {rows} rows ==");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        var data = Dataset.Generate(rows, queryCount, seed: 42);
        data.Write(dir, passes);
        Console.WriteLine("ground truth (independent double-precision brute force)…");
        var truthUnfiltered = data.Truth(filtered: false);
        var truthFiltered = data.Truth(filtered: true);
        WriteTruth(dir, truthUnfiltered, truthFiltered);

        var storePath = Path.Combine(dir, "memory.duckdb");
        var exactOptions = new VectorMemoryStoreOptions
        {
            SimilarityWeight = 1, SuccessRateWeight = 0, HnswThreshold = int.MaxValue, SharedInstanceFolder = shared ? dir : null,
        };
        var lines = new List<Measurement>();
        var json = new JsonObject { ["rows"] = rows };

        Console.WriteLine("insert…");
        double insertSeconds;
        long diskBytes;
        using (var store = VectorMemoryStore.Open(storePath, exactOptions))
        {
            var stopwatch = Stopwatch.StartNew();
            for (var start = 0; start < rows; start += BatchSize)
            {
                var batch = new List<(long, MemoryRecord)>(BatchSize);
                for (var i = start; i < Math.Min(rows, start + BatchSize); i++)
                {
                    batch.Add((i + 1, data.Record(i)));
                }

                store.Upsert(batch);
            }

            insertSeconds = stopwatch.Elapsed.TotalSeconds;
            store.Flush();
            diskBytes = store.DiskBytes();
            var rowGroups = Convert.ToInt64(store.ExecuteScalarUnvalidatedForTests("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('command_embeddings')"), CultureInfo.InvariantCulture);
            Console.WriteLine($"inserted {rows} rows in {insertSeconds:F2} s ({rows / insertSeconds:N0} rows/s), {diskBytes / 1048576.0:F1} MB, {rowGroups} row groups{(shared ? " (shared instance)" : "")}");
            json["row_groups"] = rowGroups;
        }

        double loadSeconds;
        var timer = Stopwatch.StartNew();
        using (var store = VectorMemoryStore.Open(storePath, exactOptions))
        {
            loadSeconds = timer.Elapsed.TotalSeconds;
            lines.Add(Measure("ours: exact filtered (filter result cached per version)", q => store.Search(q, K, Filter), data, truthFiltered, passes));
            lines.Add(Measure("ours: exact unfiltered", q => store.Search(q, K), data, truthUnfiltered, passes));
        }

        // What a person's first `nixh search` pays after a start: open, load, and the lexical channels that a text
        // query needs (built from the loaded rows on first use, docs/adr/0009).
        double firstTextSearchSeconds;
        timer.Restart();
        using (var store = VectorMemoryStore.Open(storePath, exactOptions))
        {
            store.Search(new MemoryQuery("please install package 17", data.Queries[0]), K);
            firstTextSearchSeconds = timer.Elapsed.TotalSeconds;
        }

        using (var store = VectorMemoryStore.Open(storePath, exactOptions with { CacheFilterResults = false }))
        {
            lines.Add(Measure("ours: exact filtered (DuckDB evaluates the filter every query)", q => store.Search(q, K, Filter), data, truthFiltered, passes));
        }

        // Side by side with the same store: the plain float32 scan, without the bounded int8 pass.
        using (var store = VectorMemoryStore.Open(storePath, exactOptions with { QuantizedScanMinRows = int.MaxValue }))
        {
            lines.Add(Measure("ours: exact filtered, cached, float32 only (no int8 pass)", q => store.Search(q, K, Filter), data, truthFiltered, passes));
            lines.Add(Measure("ours: exact unfiltered, float32 only (no int8 pass)", q => store.Search(q, K), data, truthUnfiltered, passes));
        }

        using (var store = VectorMemoryStore.Open(storePath, exactOptions with { ScanThreads = 2 }))
        {
            lines.Add(Measure("ours: exact filtered, cached, 2 scan threads", q => store.Search(q, K, Filter), data, truthFiltered, passes));
            lines.Add(Measure("ours: exact unfiltered, 2 scan threads", q => store.Search(q, K), data, truthUnfiltered, passes));
        }

        double? hnswBuildSeconds = null;
        var hnswOptions = new VectorMemoryStoreOptions { SimilarityWeight = 1, SuccessRateWeight = 0, HnswThreshold = Math.Min(20_000, rows), ExactFilteredMaxRows = 0, SharedInstanceFolder = shared ? dir : null };
        // --no-hnsw leaves the graph's rows out: its build takes minutes at 100k on a loaded 2-core host.
        if (hnsw)
        {
            Console.WriteLine("HNSW build…");
            timer.Restart();
            using var store = VectorMemoryStore.Open(storePath, hnswOptions);
            if (store.WaitForHnsw(TimeSpan.FromMinutes(30)))
            {
                hnswBuildSeconds = timer.Elapsed.TotalSeconds;
                lines.Add(Measure("ours: HNSW unfiltered", q => store.Search(q, K), data, truthUnfiltered, passes));
                lines.Add(Measure("ours: HNSW over-fetch + post-filter (cached filter)", q => store.Search(q, K, Filter), data, truthFiltered, passes));
            }
            else
            {
                Console.WriteLine($"HNSW not ready: {store.LastHnswError}");
            }
        }

        JsonNode? peerJson = null;
        if (runPeer)
        {
            Console.WriteLine("LanceDB peer…");
            peerJson = RunPeer(peer, dir, ivf);
            if (peerJson is not null)
            {
                foreach (var result in peerJson["results"]!.AsArray())
                {
                    lines.Add(new Measurement(
                        "LanceDB " + result!["name"]!.GetValue<string>(),
                        result["p50_ms"]!.GetValue<double>(),
                        result["p99_ms"]!.GetValue<double>(),
                        result["mean_ms"]!.GetValue<double>(),
                        result["recall_at_10"]!.GetValue<double>(),
                        result["queries"]!.GetValue<int>()));
                }
            }
        }

        if (peerJson is not null)
        {
            // The machine is shared: measure our filtered paths again after the peer, so drift in load shows up.
            using (var store = VectorMemoryStore.Open(storePath, exactOptions))
            {
                lines.Add(Measure("ours: exact filtered, cached (re-run after LanceDB)", q => store.Search(q, K, Filter), data, truthFiltered, passes));
            }

            using (var store = VectorMemoryStore.Open(storePath, exactOptions with { CacheFilterResults = false }))
            {
                lines.Add(Measure("ours: exact filtered, DuckDB every query (re-run after LanceDB)", q => store.Search(q, K, Filter), data, truthFiltered, passes));
            }
        }

        var (usedBytes, freeBytes) = DatabaseBlocks(storePath);
        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"### {rows:N0} rows ({data.FilteredFraction:P1} pass the filter)");
        md.AppendLine();
        md.AppendLine("| engine / path | p50 ms | p99 ms | mean ms | recall@10 |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var line in lines)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {line.Name} | {line.P50:F3} | {line.P99:F3} | {line.Mean:F3} | {line.Recall:F3} |");
        }

        md.AppendLine();
        md.AppendLine("| load and size | ours (DuckDB + in-memory index) | LanceDB |");
        md.AppendLine("|---|---:|---:|");
        var peerInsert = peerJson?["insert_rows_per_second"]?.GetValue<double>();
        var peerDisk = peerJson?["disk_bytes"]?.GetValue<long>();
        var peerIndex = peerJson?["index_seconds"]?.GetValue<double?>();
        md.AppendLine(CultureInfo.InvariantCulture, $"| insert throughput (rows/s, batches of {BatchSize}, one version each) | {rows / insertSeconds:N0} | {Format(peerInsert, "N0")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| disk size (MB) | {diskBytes / 1e6:F1} (used blocks {usedBytes / 1e6:F1}, free {freeBytes / 1e6:F1}) | {Format(peerDisk / 1e6, "F1")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| raw float32 vectors (MB) | {rows * 384 * 4 / 1e6:F1} | {rows * 384 * 4 / 1e6:F1} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| open + load into memory (s) | {loadSeconds:F2} | – |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| open + load + first text search (lexical channels built) (s) | {firstTextSearchSeconds:F2} | – |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| ANN index build (s) | {Format(hnswBuildSeconds, "F1")} (HNSW, background) | {Format(peerIndex, "F1")} (IVF_PQ) |");

        if (peerInsert is { } lanceInsert && peerDisk is { } lanceDisk)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"- insert rate {rows / insertSeconds / lanceInsert:F2}× LanceDB's; file {(double)diskBytes / lanceDisk:F2}× LanceDB's");
        }

        var lanceFiltered = lines.FirstOrDefault(l => l.Name == "LanceDB flat filtered");
        if (lanceFiltered is not null)
        {
            md.AppendLine();
            foreach (var ours in lines.Where(l => l.Name.StartsWith("ours:", StringComparison.Ordinal) && l.Name.Contains("filter", StringComparison.Ordinal) && !l.Name.Contains("unfiltered", StringComparison.Ordinal)))
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"- {ours.Name}: {lanceFiltered.P50 / ours.P50:F1}× faster than LanceDB flat filtered at p50 ({lanceFiltered.P99 / ours.P99:F1}× at p99), recall {ours.Recall:F3} vs {lanceFiltered.Recall:F3}");
            }
        }

        json["insert_seconds"] = insertSeconds;
        json["disk_bytes"] = diskBytes;
        json["disk_used_block_bytes"] = usedBytes;
        json["disk_free_block_bytes"] = freeBytes;
        json["load_seconds"] = loadSeconds;
        json["first_text_search_seconds"] = firstTextSearchSeconds;
        json["hnsw_build_seconds"] = hnswBuildSeconds;
        json["measurements"] = new JsonArray(lines.Select(l => (JsonNode)new JsonObject
        {
            ["name"] = l.Name, ["p50_ms"] = l.P50, ["p99_ms"] = l.P99, ["mean_ms"] = l.Mean, ["recall_at_10"] = l.Recall, ["queries"] = l.Queries,
        }).ToArray());
        json["lancedb"] = peerJson?.DeepClone();
        Console.WriteLine(md.ToString());
        return (md.ToString(), json);
    }

    private static (long Used, long Free) DatabaseBlocks(string path)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT block_size, used_blocks, free_blocks FROM pragma_database_size()";
        using var reader = command.ExecuteReader();
        reader.Read();
        var blockSize = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
        return (blockSize * Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), blockSize * Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
    }

    private static string Format(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static Measurement Measure(string name, Func<float[], MemorySearchResponse> search, Dataset data, int[][] truth, int passes)
    {
        Console.WriteLine($"  {name}…");
        for (var q = 0; q < Math.Min(20, data.Queries.Length); q++)
        {
            search(data.Queries[q]);
        }

        var latencies = new List<double>();
        long hits = 0;
        long expected = 0;
        for (var pass = 0; pass < passes; pass++)
        {
            for (var q = 0; q < data.Queries.Length; q++)
            {
                var start = Stopwatch.GetTimestamp();
                var response = search(data.Queries[q]);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (pass == 0)
                {
                    var set = truth[q].ToHashSet();
                    hits += response.Results.Count(r => set.Contains(data.RowOf(r.Command)));
                    expected += truth[q].Length;
                }
            }
        }

        latencies.Sort();
        return new Measurement(name, Percentile(latencies, 50), Percentile(latencies, 99), latencies.Average(), (double)hits / expected, latencies.Count);
    }

    private static double Percentile(List<double> sorted, double p)
    {
        var index = (int)Math.Clamp(Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1);
        return sorted[index];
    }

    private static void WriteTruth(string dir, int[][] unfiltered, int[][] filtered)
    {
        var json = new JsonObject
        {
            ["unfiltered"] = new JsonArray(unfiltered.Select(t => (JsonNode)new JsonArray(t.Select(i => (JsonNode)i).ToArray())).ToArray()),
            ["filtered"] = new JsonArray(filtered.Select(t => (JsonNode)new JsonArray(t.Select(i => (JsonNode)i).ToArray())).ToArray()),
        };
        File.WriteAllText(Path.Combine(dir, "truth.json"), json.ToJsonString());
    }

    private static JsonNode? RunPeer(string peer, string dir, bool ivf)
    {
        var script = Path.Combine(peer, "bench.mjs");
        if (!Directory.Exists(Path.Combine(peer, "node_modules")))
        {
            Console.WriteLine($"LanceDB peer not installed ({peer}/node_modules missing): run benchmarks/run-vector-benchmark.sh");
            return null;
        }

        var start = new ProcessStartInfo("node") { WorkingDirectory = peer, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(dir);
        if (ivf)
        {
            start.ArgumentList.Add("--ivf");
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.WriteLine($"LanceDB peer failed ({process.ExitCode}): {stderr.Result}");
            return null;
        }

        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.TrimStart().StartsWith('{'));
        return JsonNode.Parse(line);
    }

    private sealed record Measurement(string Name, double P50, double P99, double Mean, double Recall, int Queries);
}
