using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.EmbeddingBenchmarks;

/// <summary>
/// Scenario benchmark (issue 4: "embedding adds ≤ 5 % over a bare ONNX Runtime Run on the same batch"): on an
/// all-MiniLM-L6-v2-shaped model, times (a) a bare <see cref="InferenceSession.Run(RunOptions, IReadOnlyDictionary{string, OrtValue}, IReadOnlyCollection{string})"/>
/// on pre-built tensors of a tokenised batch and (b) <see cref="OnnxSentenceEmbedder.EmbedBatch"/> on the same
/// texts (tokenise, build tensors, Run, pool, normalise), alternating a and b call by call over several trials.
/// By default (a) runs on the embedder's own session, so both use the same session options and thread pool by
/// construction; <c>--separate-session</c> builds a second session with the embedder's option factory instead.
/// <c>--packaged-load</c> runs <see cref="PackagedLoadScenario"/> instead (load time and memory of the packaged model);
/// <c>--throughput</c> runs <see cref="ThroughputScenario"/> (batched texts/s of the packaged model, before and after).
/// Usage: dotnet run -c Release --project benchmarks/NixHumanity.EmbeddingBenchmarks -- [--model PATH]
///        [--batches 1,8,32] [--trials 9] [--seconds 1.5] [--threads N] [--separate-session] [--dump-optimized PATH]
/// The default model is benchmarks/data/minilm-shaped.onnx from tools/make-minilm-shaped-onnx.py (random weights:
/// its cost is representative, its vectors are not).
/// </summary>
internal static class Program
{
    private const string Output = OnnxSentenceEmbedder.OutputName;

    public static int Main(string[] args)
    {
        if (args is ["--packaged-load", .. var rest])
        {
            return PackagedLoadScenario.Run(rest);
        }

        var root = FindRoot();
        if (args is ["--throughput", .. var throughput])
        {
            return ThroughputScenario.Run(throughput, root);
        }

        var model = Path.Combine(root, "benchmarks", "data", "minilm-shaped.onnx");
        var batchSizes = new List<int> { 1, 8, 32 };
        var trials = 9;
        var trialSeconds = 1.5;
        var threads = 0;
        var separateSession = false;
        string? dumpOptimized = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model":
                    model = Path.GetFullPath(args[++i]);
                    break;
                case "--batches":
                    batchSizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
                    break;
                case "--trials":
                    trials = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds":
                    trialSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--threads":
                    threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--separate-session":
                    separateSession = true;
                    break;
                case "--dump-optimized":
                    dumpOptimized = Path.GetFullPath(args[++i]);
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'");
                    return 2;
            }
        }

        if (!File.Exists(model))
        {
            Console.Error.WriteLine($"'{model}' does not exist. Make the MiniLM-shaped stand-in first: " +
                                    "/usr/bin/python3 tools/make-minilm-shaped-onnx.py");
            return 2;
        }

        var texts = LoadQueries(Path.Combine(root, "tests", "NixHumanity.Actors.Tests", "Embeddings", "nixos-requests.json"));
        if (batchSizes.Max() > texts.Count)
        {
            Console.Error.WriteLine($"the request set has {texts.Count} texts; batches up to {texts.Count} only");
            return 2;
        }

        // The embedder verifies the sha256 on load; the stand-in is not a published export, so pass its own hash.
        var sha = ModelFiles.ComputeSha256(model);
        var options = new OnnxSentenceEmbedderOptions { ModelPath = model, ExpectedSha256 = sha, IntraOpThreads = threads };
        using var embedder = new OnnxSentenceEmbedder(options);
        using var sessionOptions = OnnxSentenceEmbedder.CreateSessionOptions(options);
        using var secondSession = separateSession ? new InferenceSession(model, sessionOptions) : null;
        var bare = secondSession ?? embedder.Session;

        Console.WriteLine($"model: {model} ({new FileInfo(model).Length:N0} bytes, sha256 {sha[..12]}…)");
        Console.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}, .NET {Environment.Version}, " +
                          $"{Environment.ProcessorCount} logical CPUs, load average {LoadAverage()}");
        Console.WriteLine($"session options (embedder's CreateSessionOptions): graph optimisation {sessionOptions.GraphOptimizationLevel}, " +
                          $"execution {sessionOptions.ExecutionMode}, intra-op threads {Describe(sessionOptions.IntraOpNumThreads)}, " +
                          $"inter-op threads {Describe(sessionOptions.InterOpNumThreads)}");
        Console.WriteLine(separateSession
            ? "bare Run: a second InferenceSession built with the same SessionOptions factory"
            : "bare Run: the embedder's own InferenceSession (same options and thread pool by construction)");

        if (dumpOptimized is not null)
        {
            using var dumpOptions = OnnxSentenceEmbedder.CreateSessionOptions(options);
            dumpOptions.OptimizedModelFilePath = dumpOptimized;
            using var dumpSession = new InferenceSession(model, dumpOptions);
            Console.WriteLine($"optimised graph written to {dumpOptimized}");
        }

        // Sanity of the stand-in: compare with tools/make-minilm-shaped-onnx.py's numpy reference pass of the same
        // ids, and check that padding is masked out (a short text embeds the same alone and next to a longer one).
        const string probe = "install development tools";
        var probeVector = embedder.Embed(probe);
        var head = string.Join(' ', probeVector.Take(6).Select(x => x.ToString("0.000000", CultureInfo.InvariantCulture)));
        Console.WriteLine($"'{probe}' → ids [{string.Join(", ", embedder.Tokenize(probe))}], vector [0:6] = {head}");
        var padded = embedder.EmbedBatch([probe, texts.MaxBy(t => embedder.Tokenize(t).Count)!])[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"padding check: max |Δ| alone vs padded in a batch = {probeVector.Zip(padded, (x, y) => Math.Abs(x - y)).Max():0.0e0}"));

        var results = batchSizes.Select(n => MeasureBatch(embedder, bare, texts.Take(n).ToList(), trials, trialSeconds)).ToList();

        Console.WriteLine();
        Console.WriteLine("| batch | padded tokens | bare `Run` median (best), ms | `EmbedBatch` median (best), ms | overhead: median of trials [range] | overhead: paired | overhead: bests | extra per batch, µs: paired (tokenising) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Batch} | {r.Seq} | {r.BareMedian:0.000} ({r.BareBest:0.000}) | {r.EmbedMedian:0.000} ({r.EmbedBest:0.000}) | " +
                $"{r.OverheadMedian:+0.00;-0.00} % [{r.OverheadMin:+0.00;-0.00} … {r.OverheadMax:+0.00;-0.00}] | {r.OverheadPaired:+0.00;-0.00} % | " +
                $"{r.OverheadBest:+0.00;-0.00} % | {r.PairedExtra * 1000:0} ({r.TokenizeMedian * 1000:0}) |"));
        }

        return 0;
    }

    private static BatchResult MeasureBatch(OnnxSentenceEmbedder embedder, InferenceSession bare, List<string> batch, int trials, double trialSeconds)
    {
        // The same token ids the embedder feeds, padded to the longest text, built once outside the timing.
        var tokenized = batch.Select(embedder.Tokenize).ToList();
        var seq = tokenized.Max(t => t.Count);
        var ids = new long[batch.Count * seq];
        var mask = new long[batch.Count * seq];
        var types = new long[batch.Count * seq];
        for (var b = 0; b < batch.Count; b++)
        {
            for (var t = 0; t < tokenized[b].Count; t++)
            {
                ids[(b * seq) + t] = tokenized[b][t];
                mask[(b * seq) + t] = 1;
            }
        }

        long[] shape = [batch.Count, seq];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        var inputs = new Dictionary<string, OrtValue> { ["input_ids"] = idsValue, ["attention_mask"] = maskValue };
        if (bare.InputMetadata.ContainsKey("token_type_ids"))
        {
            inputs["token_type_ids"] = typesValue;
        }

        using var runOptions = new RunOptions();
        string[] outputNames = [Output];

        // Same computation: pooling the bare output by hand must give the embedder's vectors.
        var maxDiff = 0f;
        using (var outputs = bare.Run(runOptions, inputs, outputNames))
        {
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            var embedded = embedder.EmbedBatch(batch);
            var dims = embedder.Dimensions;
            for (var b = 0; b < batch.Count; b++)
            {
                var pooled = new float[dims];
                for (var t = 0; t < tokenized[b].Count; t++)
                {
                    TensorPrimitives.Add(pooled, hidden.Slice(((b * seq) + t) * dims, dims), pooled);
                }

                TensorPrimitives.Divide(pooled, TensorPrimitives.Norm(pooled), pooled);
                for (var d = 0; d < dims; d++)
                {
                    maxDiff = Math.Max(maxDiff, Math.Abs(pooled[d] - embedded[b][d]));
                }
            }
        }

        void BareRun()
        {
            using var outputs = bare.Run(runOptions, inputs, outputNames);
        }

        void Embed() => embedder.EmbedBatch(batch);

        void TokenizeAll()
        {
            foreach (var text in batch)
            {
                embedder.Tokenize(text);
            }
        }

        // Warm-up (JIT, ONNX Runtime's arena and thread pool), which also sizes a trial to about trialSeconds.
        var warm = Stopwatch.StartNew();
        var pairs = 0;
        while (pairs < 5 || warm.Elapsed.TotalSeconds < 1)
        {
            BareRun();
            Embed();
            pairs++;
        }

        var iterations = Math.Max(5, (int)(trialSeconds / (warm.Elapsed.TotalSeconds / pairs)));

        // The machine is shared and noisy: a and b alternate call by call (which goes first alternates too), so a
        // load change hits both. Summaries: each trial's medians; the paired differences (a call of b minus the
        // neighbouring call of a, so slow drifts cancel); and best against best.
        var bareAll = new List<double>();
        var embedAll = new List<double>();
        var tokenizeAll = new List<double>();
        var differencesBareFirst = new List<double>();
        var differencesEmbedFirst = new List<double>();
        var trialOverheads = new List<double>();
        var bareTimes = new double[iterations];
        var embedTimes = new double[iterations];
        var tokenizeTimes = new double[iterations];
        for (var trial = 0; trial < trials; trial++)
        {
            for (var i = 0; i < iterations; i++)
            {
                if (i % 2 == 0)
                {
                    bareTimes[i] = Time(BareRun);
                    embedTimes[i] = Time(Embed);
                }
                else
                {
                    embedTimes[i] = Time(Embed);
                    bareTimes[i] = Time(BareRun);
                }

                tokenizeTimes[i] = Time(TokenizeAll);
            }

            var bareMedian = Median(bareTimes);
            var embedMedian = Median(embedTimes);
            trialOverheads.Add(((embedMedian - bareMedian) / bareMedian) * 100);
            bareAll.AddRange(bareTimes);
            embedAll.AddRange(embedTimes);
            for (var i = 0; i < iterations; i++)
            {
                (i % 2 == 0 ? differencesBareFirst : differencesEmbedFirst).Add(embedTimes[i] - bareTimes[i]);
            }
            tokenizeAll.AddRange(tokenizeTimes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch {batch.Count,2} trial {trial + 1}/{trials} ({iterations} pairs): bare {bareMedian:0.000} ms, " +
                $"EmbedBatch {embedMedian:0.000} ms, overhead {trialOverheads[^1]:+0.00;-0.00} %"));
        }

        // Whichever call of a pair goes second can be systematically faster or slower (caches, thread pool wake-up),
        // so the paired differences are summarised per order and the two medians averaged, which cancels that.
        var paired = (Median(differencesBareFirst) + Median(differencesEmbedFirst)) / 2;
        var result = new BatchResult(
            batch.Count, seq,
            Median(bareAll), bareAll.Min(), Median(embedAll), embedAll.Min(), Median(tokenizeAll),
            Median(trialOverheads), trialOverheads.Min(), trialOverheads.Max(),
            paired, (paired / Median(bareAll)) * 100,
            ((embedAll.Min() - bareAll.Min()) / bareAll.Min()) * 100);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch {batch.Count,2}, padded to {seq} tokens: bare Run {result.BareMedian:0.000} ms, EmbedBatch {result.EmbedMedian:0.000} ms " +
            $"(medians of {bareAll.Count}), overhead {result.OverheadMedian:+0.00;-0.00} % (median of {trials} trials), " +
            $"{result.OverheadPaired:+0.00;-0.00} % (paired differences, {result.PairedExtra * 1000:0} µs: " +
            $"{Median(differencesBareFirst) * 1000:0} µs when Run goes first, {Median(differencesEmbedFirst) * 1000:0} µs when EmbedBatch does), " +
            $"tokenising {result.TokenizeMedian * 1000:0} µs; embedder vs hand-pooled bare output: max |Δ| {maxDiff:0.0e0}"));
        return result;
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

    private static string Describe(int threads) => threads == 0 ? "0 (ONNX Runtime default)" : threads.ToString(CultureInfo.InvariantCulture);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static List<string> LoadQueries(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("queries").EnumerateArray()
            .Select(q => q.GetProperty("text").GetString() ?? throw new InvalidDataException($"'{path}': query without text"))
            .ToList();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NixHumanity.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("NixHumanity.Actors.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed record BatchResult(
        int Batch, int Seq,
        double BareMedian, double BareBest, double EmbedMedian, double EmbedBest, double TokenizeMedian,
        double OverheadMedian, double OverheadMin, double OverheadMax,
        double PairedExtra, double OverheadPaired, double OverheadBest);
}
