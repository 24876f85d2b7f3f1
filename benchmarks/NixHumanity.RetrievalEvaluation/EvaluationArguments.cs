using System.Globalization;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>The command line of the evaluation.</summary>
/// <param name="LocomoPath">locomo10.json (default <c>../shared/datasets/locomo/locomo10.json</c> from the repository root).</param>
/// <param name="OutputPath">The report to update (default <c>docs/benchmarks-retrieval.md</c>).</param>
/// <param name="Conversations">Evaluate only the first N LoCoMo conversations (trial runs); null for all.</param>
/// <param name="OnnxModel">An extra all-MiniLM-L6-v2-shaped ONNX file to measure beside the other embedders, or null.</param>
/// <param name="OnnxSha256">Its expected sha256 when it is not one of the published exports the project knows.</param>
/// <param name="Raw">The arguments as given, for the report.</param>
/// <param name="Sweep">Run the weight sweep (printed, the report is left alone) instead of the evaluation.</param>
/// <param name="EmbeddingCache">A folder caching embeddings between runs (outside the repository), or null.</param>
/// <param name="DumpFolder">Write every query's channel scores there (for studying misses) instead of the evaluation, or null.</param>
/// <param name="NGram">Sweep or dump with the n-gram embedder (<c>--embedder ngram</c>) instead of the project's default one.</param>
internal sealed record EvaluationArguments(
    string LocomoPath,
    string OutputPath,
    int? Conversations,
    string? OnnxModel,
    string? OnnxSha256,
    IReadOnlyList<string> Raw,
    bool Sweep = false,
    string? EmbeddingCache = null,
    string? DumpFolder = null,
    bool NGram = false)
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        Usage: dotnet run -c Release --project benchmarks/NixHumanity.RetrievalEvaluation -- [options]
          --locomo PATH        LoCoMo's locomo10.json (default ../shared/datasets/locomo/locomo10.json from the repository root)
          --out PATH           the report to update (default docs/benchmarks-retrieval.md)
          --conversations N    only the first N LoCoMo conversations (a quick trial; the report says so)
          --onnx-model PATH    also measure this all-MiniLM-L6-v2-shaped ONNX file through the project's ONNX embedder
          --onnx-sha256 HEX    its sha256, when it is not one of the published exports the project knows
          --sweep              embed both sets once and print a grid of fusion weights and abstention thresholds
                               (the figures that choose the defaults, per embedder); the report is not touched
          --embedder NAME      the embedder of --sweep and --dump: default (the project's default, all-MiniLM-L6-v2)
                               or ngram (the n-gram fallback)
          --embedding-cache DIR  keep embeddings in DIR between runs (outside the repository; timings then mean nothing)
          --dump DIR           write every query's scores on every channel as TSV files in DIR
          --dump-ngram         the same as --embedder ngram
        """;

    /// <summary>Parses <paramref name="args"/>; paths are relative to <paramref name="repositoryRoot"/>.</summary>
    /// <exception cref="ArgumentException">An unknown option or a missing or bad value.</exception>
    public static EvaluationArguments Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var locomo = Path.Combine(repositoryRoot, "..", "shared", "datasets", "locomo", "locomo10.json");
        var output = Path.Combine(repositoryRoot, "docs", "benchmarks-retrieval.md");
        int? conversations = null;
        string? onnxModel = null;
        string? onnxSha256 = null;
        var sweep = false;
        var ngram = false;
        string? cache = null;
        string? dump = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--sweep" or "--dump-ngram")
            {
                sweep |= args[i] == "--sweep";
                ngram |= args[i] == "--dump-ngram";
                continue;
            }

            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--locomo":
                    locomo = Path.Combine(repositoryRoot, value);
                    break;
                case "--out":
                    output = Path.Combine(repositoryRoot, value);
                    break;
                case "--conversations":
                    conversations = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                        ? n
                        : throw new ArgumentException($"--conversations must be a positive number (got '{value}').");
                    break;
                case "--onnx-model":
                    onnxModel = Path.GetFullPath(Path.Combine(repositoryRoot, value));
                    break;
                case "--onnx-sha256":
                    onnxSha256 = value;
                    break;
                case "--embedding-cache":
                    cache = Path.GetFullPath(Path.Combine(repositoryRoot, value));
                    break;
                case "--embedder":
                    ngram = value switch
                    {
                        "ngram" => true,
                        "default" => false,
                        _ => throw new ArgumentException($"--embedder must be default or ngram (got '{value}')."),
                    };
                    break;
                case "--dump":
                    dump = Path.GetFullPath(Path.Combine(repositoryRoot, value));
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}");
            }

            i++;
        }

        return new EvaluationArguments(Path.GetFullPath(locomo), Path.GetFullPath(output), conversations, onnxModel, onnxSha256, args, sweep, cache, dump, ngram);
    }
}
