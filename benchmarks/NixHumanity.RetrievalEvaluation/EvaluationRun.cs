using System.Diagnostics;
using System.Runtime.InteropServices;
using NixHumanity.Actors.Tests.Embeddings;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>
/// One run: loads the labelled NixOS set and LoCoMo, evaluates every available embedder under every search
/// configuration on both, and updates the report. Stores live in a temporary folder deleted at the end.
/// </summary>
internal sealed class EvaluationRun(string root, EvaluationArguments arguments, TextWriter log)
{
    /// <summary>The labelled set, relative to the repository root (the file SemanticQualitySpecs reads).</summary>
    public const string NixOsSetFile = "tests/NixHumanity.Actors.Tests/Embeddings/nixos-requests.json";

    /// <summary>The folder holding <c>NixHumanity.Actors.sln</c>, searched upwards from the binaries.</summary>
    public static string FindRepositoryRoot()
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

    /// <summary>Runs the weight sweep with the chosen embedder, printing its figures (the report is not touched).</summary>
    public void Sweep() =>
        WithBothSets("sweep", (nixOs, locomo, _, _) => WeightSweep.Run(nixOs, locomo, arguments.NGram, log));

    /// <summary>Writes every query's channel scores with the chosen embedder into <paramref name="folder"/> (the report is not touched).</summary>
    public void Dump(string folder) =>
        WithBothSets("dump", (nixOs, locomo, set, conversations) => ChannelDump.Run(nixOs, locomo, set, conversations, folder, arguments.NGram, log));

    private void WithBothSets(string purpose, Action<NixOsEvaluation, LocomoEvaluation, QualitySet, IReadOnlyList<LocomoConversation>> action)
    {
        var work = Path.Combine(Path.GetTempPath(), $"nixh-retrieval-{purpose}-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var set = QualitySet.Load(Path.Combine([root, .. NixOsSetFile.Split('/')]));
            var (conversations, summary) = LoadLocomo();
            if (conversations is null)
            {
                throw new FileNotFoundException(summary, arguments.LocomoPath);
            }

            log.WriteLine(summary);
            action(new NixOsEvaluation(set, [], work), new LocomoEvaluation(conversations, [], work), set, conversations);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Runs everything and writes the report.</summary>
    public void Run()
    {
        var started = Stopwatch.GetTimestamp();
        var work = Path.Combine(Path.GetTempPath(), "nixh-retrieval-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var embedders = EvaluationEmbedders.Available(root, arguments, log);
        try
        {
            var set = QualitySet.Load(Path.Combine([root, .. NixOsSetFile.Split('/')]));
            var configurations = SearchConfiguration.All();
            var (conversations, locomoSummary) = LoadLocomo();
            var nixOs = new NixOsEvaluation(set, configurations, work);
            var locomo = conversations is null ? null : new LocomoEvaluation(conversations, configurations, work);
            var nixOsRows = new List<EvaluationRow>();
            var locomoRows = new List<EvaluationRow>();
            var timings = new List<EmbeddingTiming>();
            foreach (var embedder in embedders)
            {
                log.WriteLine($"{embedder.Label}: {embedder.Embedder.Id}");
                var (rows, timing) = nixOs.Run(embedder);
                nixOsRows.AddRange(rows);
                timings.Add(timing);
                if (locomo is not null)
                {
                    (rows, timing) = locomo.Run(embedder, log);
                    locomoRows.AddRange(rows);
                    timings.Add(timing);
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            var report = new RunReport(Header(elapsed), embedders, nixOsRows, NixOsSummary(set), locomoRows, locomoSummary, timings);
            ReportWriter.Update(arguments.OutputPath, report);
            log.WriteLine($"wrote {arguments.OutputPath} after {elapsed.TotalSeconds:0} s");
        }
        finally
        {
            foreach (var embedder in embedders)
            {
                embedder.Dispose();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private (IReadOnlyList<LocomoConversation>? Conversations, string Summary) LoadLocomo()
    {
        if (!File.Exists(arguments.LocomoPath))
        {
            var absent = $"Not measured: `{arguments.LocomoPath}` is absent. Get `data/locomo10.json` from github.com/snap-research/LoCoMo " +
                         "(CC BY-NC 4.0: keep it outside the repository, never commit it) and pass `--locomo PATH`.";
            log.WriteLine(absent);
            return (null, absent);
        }

        var (all, counts) = LocomoData.Load(arguments.LocomoPath);
        var conversations = arguments.Conversations is { } n ? all.Take(n).ToList() : all;
        var questions = conversations.SelectMany(c => c.Questions).ToList();
        var summary =
            $"{conversations.Count} of {all.Count} conversations{(conversations.Count < all.Count ? " (a trial run)" : "")}, " +
            $"{conversations.Sum(c => c.Turns.Count):N0} turns. The file has {counts.AnswerableInFile:N0} questions in categories 1–4: " +
            $"{counts.WithoutEvidence} have no evidence and {counts.EvidenceNotFound} name no existing turn, so {counts.Evaluated:N0} are " +
            $"evaluated ({counts.RepairedEvidence} of them needed an evidence entry split or a leading zero dropped); " +
            $"{counts.Adversarial} are adversarial (category 5). This run: {questions.Count(q => q.Category < 5):N0} answerable and " +
            $"{questions.Count(q => q.Category == 5):N0} adversarial questions.";
        return (conversations, summary);
    }

    private static string NixOsSummary(QualitySet set) =>
        $"{set.Commands.Count} remembered interactions, {set.Answerable.Count} answerable requests and " +
        $"{set.Queries.Count - set.Answerable.Count} out-of-domain ones (`{NixOsSetFile}`).";

    private List<string> Header(TimeSpan elapsed) =>
    [
        $"Date: {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC",
        $"Machine: `{Uname()}`, {Environment.ProcessorCount} cores (nproc), .NET {Environment.Version}",
        $"Command: `dotnet run -c Release --project benchmarks/NixHumanity.RetrievalEvaluation{(arguments.Raw.Count > 0 ? " -- " + string.Join(' ', arguments.Raw) : "")}`",
        $"Wall time of the run: {elapsed.TotalSeconds:0} s",
    ];

    private static string Uname()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("uname", "-srm") { RedirectStandardOutput = true })!;
            var text = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return RuntimeInformation.OSDescription;
        }
    }
}
