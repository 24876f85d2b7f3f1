using System.Globalization;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Tests.Embeddings;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>
/// The weight sweep (<c>--sweep</c>): embeds the NixOS set and LoCoMo once with the project's default embedder,
/// then evaluates a grid of fusion weights on the same vectors — score fusion and reciprocal-rank fusion, the
/// three weights in steps of 0.05 summing to 1 — and prints top-3 (NixOS rounds 1–2, the requests ranking changes
/// are developed on; round 3 is printed beside it but chooses nothing) and hit@10 (LoCoMo) per point, the
/// margin of each point over the best single channel on each set, and the abstention the store would give at
/// each threshold. Every figure is the store's own search under some options; nothing is ranked here.
/// </summary>
internal sealed class WeightSweep(NixOsEvaluation nixOs, LocomoEvaluation locomo, TextWriter log)
{
    private const int Steps = 20;

    private static readonly double[] Thresholds = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];

    /// <summary>The grid: every (dense, BM25, 3-gram) in steps of 0.05 summing to 1, under both fusions.</summary>
    public static IReadOnlyList<SearchConfiguration> Grid()
    {
        var ranking = new MemoryOptions().ToStoreOptions() with { AbstainBelow = 0 };
        var grid = new List<SearchConfiguration>();
        foreach (var fusion in new[] { FusionMode.Score, FusionMode.ReciprocalRank })
        {
            for (var dense = 0; dense <= Steps; dense++)
            {
                for (var lexical = 0; lexical <= Steps - dense; lexical++)
                {
                    var typo = Steps - dense - lexical;
                    var options = ranking with { Fusion = fusion, DenseWeight = dense / (double)Steps, LexicalWeight = lexical / (double)Steps, TypoWeight = typo / (double)Steps };
                    var name = string.Create(CultureInfo.InvariantCulture, $"{(fusion == FusionMode.Score ? "score" : "rrf")} {dense / (double)Steps:0.0#}/{lexical / (double)Steps:0.0#}/{typo / (double)Steps:0.0#}");
                    grid.Add(new SearchConfiguration(name, "sweep point", options));
                }
            }
        }

        return grid;
    }

    /// <summary>Embeds once with <paramref name="candidate"/>, evaluates the grid and prints the figures.</summary>
    public void Run(EmbedderCandidate candidate)
    {
        log.WriteLine($"sweep with {candidate.Embedder.Id}");
        var nixOsRecorded = nixOs.Record(candidate);
        var locomoRecorded = locomo.Record(candidate, log);
        var points = Grid()
            .Select(configuration => new SweepPoint(configuration, nixOs.Evaluate(configuration, nixOsRecorded), locomo.Evaluate(configuration, locomoRecorded)))
            .ToList();
        var singles = points.Where(p => p.Configuration.Options.Fusion == FusionMode.Score && p.IsSingleChannel).ToList();
        var bestNixOs = singles.Max(p => p.NixOsTop3);
        var bestLocomo = singles.Max(p => p.LocomoHit10);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best single channel: NixOS top-3 {bestNixOs:0.000}, LoCoMo hit@10 {bestLocomo:0.000}"));
        log.WriteLine("point (fusion dense/BM25/3-gram) | NixOS top-3 (rounds 1-2) | LoCoMo hit@10 | margin NixOS | margin LoCoMo | min margin | NixOS MRR@10 (rounds 1-2) | NixOS round 3 top-3 (held out)");
        foreach (var point in points.OrderByDescending(p => Math.Min(p.NixOsTop3 - bestNixOs, p.LocomoHit10 - bestLocomo)))
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{point.Configuration.Name} | {point.NixOsTop3:0.000} | {point.LocomoHit10:0.000} | {point.NixOsTop3 - bestNixOs:+0.000;-0.000} | {point.LocomoHit10 - bestLocomo:+0.000;-0.000} | {Math.Min(point.NixOsTop3 - bestNixOs, point.LocomoHit10 - bestLocomo):+0.000;-0.000} | {point.NixOs.ForRounds(1, 2).Mrr10:0.0000} | {point.NixOs.ForRounds(3).Hit3:0.000}"));
        }

        log.WriteLine("abstention per threshold (correct = out-of-domain / category 5 abstained, wrong = answerable abstained)");
        foreach (var point in points.Where(p => p.Configuration.Options.Fusion == FusionMode.Score))
        {
            PrintAbstention(point);
        }
    }

    private void PrintAbstention(SweepPoint point)
    {
        foreach (var threshold in Thresholds)
        {
            var (nixCorrect, nixWrong) = point.NixOs.AbstentionAt(threshold);
            var (locomoCorrect, locomoWrong) = point.Locomo.AbstentionAt(threshold);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"abstain {point.Configuration.Name} below {threshold:0.00} | NixOS correct {nixCorrect:0.000} wrong {nixWrong:0.000} | LoCoMo correct {locomoCorrect:0.000} wrong {locomoWrong:0.000}"));
        }
    }

    /// <summary>Builds the default embedder as the memory actor does and runs the sweep with it.</summary>
    public static void RunWithDefaultEmbedder(NixOsEvaluation nixOs, LocomoEvaluation locomo, TextWriter log)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var selection = EmbedderFactory.Select(new EmbedderOptions());
        using var candidate = new EmbedderCandidate("project default", selection.Embedder, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (selection.FellBack)
        {
            log.WriteLine($"the default embedder fell back: {selection.FallbackReason}");
        }

        new WeightSweep(nixOs, locomo, log).Run(candidate);
    }

    private sealed record SweepPoint(SearchConfiguration Configuration, ScoreCard NixOs, ScoreCard Locomo)
    {
        public double NixOsTop3 => NixOs.ForRounds(1, 2).Hit3;

        public double LocomoHit10 => Locomo.Overall.Hit10;

        public bool IsSingleChannel =>
            new[] { Configuration.Options.DenseWeight, Configuration.Options.LexicalWeight, Configuration.Options.TypoWeight }.Count(w => w > 0) == 1;
    }
}
