namespace NixHumanity.RetrievalBenchmarks;

/// <summary>
/// Retrieval checks of the memory store (issue 11).
/// Usage: dotnet run -c Release --project benchmarks/NixHumanity.RetrievalBenchmarks -- lexical [--docs 100000]
///        dotnet run -c Release --project benchmarks/NixHumanity.RetrievalBenchmarks -- search [--memories 10000] [--queries 300]
///        dotnet run -c Release --project benchmarks/NixHumanity.RetrievalBenchmarks -- quick-check [--set FILE] [--minilm DLL]
/// <c>lexical</c> times deriving the lexical channels from short memories (what the first text search after opening
/// a store pays); <c>quick-check</c> ranks the labelled NixOS requests under several fusion weights and prints the
/// best confidence of in-domain and out-of-domain requests, which chose the provisional defaults (docs/retrieval.md).
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: lexical [--docs N] | search [--memories N] [--queries Q] | quick-check [--set FILE] [--minilm DLL]");
            return 2;
        }

        var options = Options(args.Skip(1).ToArray());
        switch (args[0])
        {
            case "lexical":
                LexicalBuild.Run(int.Parse(options.GetValueOrDefault("--docs", "100000"), System.Globalization.CultureInfo.InvariantCulture));
                return 0;
            case "search":
                SearchLatency.Run(
                    int.Parse(options.GetValueOrDefault("--memories", "10000"), System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(options.GetValueOrDefault("--queries", "300"), System.Globalization.CultureInfo.InvariantCulture));
                return 0;
            case "quick-check":
                QuickCheck.Run(options.GetValueOrDefault("--set") ?? DefaultSet(), options.GetValueOrDefault("--minilm"));
                return 0;
            default:
                Console.Error.WriteLine($"unknown mode {args[0]}");
                return 2;
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        return options;
    }

    private static string DefaultSet()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "NixHumanity.Actors.sln")))
        {
            folder = folder.Parent;
        }

        return Path.Combine(folder?.FullName ?? ".", "tests", "NixHumanity.Actors.Tests", "Embeddings", "nixos-requests.json");
    }
}
