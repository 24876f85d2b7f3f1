using System.Globalization;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>
/// The weight sweep (<c>--sweep [--embedder ngram|default]</c>): embeds the NixOS set and LoCoMo once with one
/// embedder, gathers every request's channel evidence once through the store, and fuses it under a grid of weights —
/// score fusion and reciprocal-rank fusion, the three weights in steps of 0.05 summing to 1 — with the store's own
/// fusion code (<see cref="QueryEvidence.Fuse"/>). The one point the store does not fuse (dense alone under score
/// fusion: the vector-only path) is searched through the store itself, and so is the embedder's default point, whose
/// every answer must equal the fused one (checked; the sweep stops otherwise). Prints per point top-3 on the NixOS
/// set (all, rounds 1–2, round 3), MRR@10 on rounds 1–2 and LoCoMo hit@10, the best single channel of each set, the
/// point the documented rule picks (rounds 1–2 and LoCoMo only; docs/retrieval.md), whether it is at least the best
/// single channel on every set, and the abstention each threshold would give.
/// </summary>
internal sealed class WeightSweep(NixOsEvaluation nixOs, LocomoEvaluation locomo, TextWriter log)
{
    /// <summary>The LoCoMo hit@10 the issue asks for; the rule prefers points that reach it.</summary>
    public const double LocomoTarget = 0.70;

    private const int Steps = 20;

    private static readonly double[] Thresholds = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];

    /// <summary>
    /// The grid for a store of the embedder <paramref name="embedderId"/>'s vectors: every (dense, BM25, 3-gram) in steps
    /// of 0.05 summing to 1, under both fusions, with everything else as the memory actor sets it for that embedder.
    /// </summary>
    public static IReadOnlyList<SearchConfiguration> Grid(string embedderId)
    {
        var ranking = new MemoryOptions().ToStoreOptions(embedderId);
        var grid = new List<SearchConfiguration>();
        foreach (var fusion in new[] { FusionMode.Score, FusionMode.ReciprocalRank })
        {
            for (var dense = 0; dense <= Steps; dense++)
            {
                for (var lexical = 0; lexical <= Steps - dense; lexical++)
                {
                    var typo = Steps - dense - lexical;
                    var options = ranking with { Fusion = fusion, DenseWeight = dense / (double)Steps, LexicalWeight = lexical / (double)Steps, TypoWeight = typo / (double)Steps };
                    grid.Add(new SearchConfiguration(Name(options), "sweep point", options));
                }
            }
        }

        return grid;
    }

    /// <summary>Embeds once with <paramref name="candidate"/>, evaluates the grid and prints the figures.</summary>
    public void Run(EmbedderCandidate candidate)
    {
        var embedderId = candidate.Embedder.Id;
        log.WriteLine($"sweep with {embedderId}");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var nixOsRecorded = nixOs.Record(candidate);
        var locomoRecorded = locomo.Record(candidate, log);
        log.WriteLine($"  recorded both sets in {Seconds(started):0.0} s");

        // The store's own search, before the stores are opened again to gather: the default point (for the check) and
        // the points the store answers without fusing.
        var defaultPoint = new SearchConfiguration("default", "the memory actor's defaults for this embedder", new MemoryOptions().ToStoreOptions(embedderId), Calibrated: true);
        var defaultOwn = (NixOs: nixOs.Evaluate(defaultPoint, nixOsRecorded), Locomo: locomo.Evaluate(defaultPoint, locomoRecorded));
        var grid = Grid(embedderId);
        var own = grid.Where(p => !Fused(p.Options))
            .ToDictionary(p => p, p => (NixOs: nixOs.Evaluate(p, nixOsRecorded), Locomo: locomo.Evaluate(p, locomoRecorded)));
        log.WriteLine($"  searched the default point and {own.Count} unfused point(s) through the store in {Seconds(started):0.0} s");

        var fused = grid.Where(p => Fused(p.Options)).ToList();
        var fuseOptions = fused.Select(p => p.Options).Prepend(defaultPoint.OptionsFor(embedderId)).ToList();
        var gatherOptions = new MemoryOptions().ToStoreOptions(embedderId);
        IReadOnlyList<ScoreCard> nixOsCards, locomoCards;
        using (var gathered = nixOs.Gather(nixOsRecorded, gatherOptions))
        {
            nixOsCards = gathered.Fuse(fuseOptions);
        }

        using (var gathered = locomo.Gather(locomoRecorded, gatherOptions))
        {
            locomoCards = gathered.Fuse(fuseOptions);
        }

        log.WriteLine($"  fused {fuseOptions.Count} points over {nixOsCards[0].Outcomes.Count + locomoCards[0].Outcomes.Count} requests in {Seconds(started):0.0} s");
        CheckSameAsStore(defaultPoint, defaultOwn.NixOs, nixOsCards[0], "NixOS");
        CheckSameAsStore(defaultPoint, defaultOwn.Locomo, locomoCards[0], "LoCoMo");

        var points = fused.Select((p, i) => new SweepPoint(p, nixOsCards[i + 1], locomoCards[i + 1]))
            .Concat(own.Select(o => new SweepPoint(o.Key, o.Value.NixOs, o.Value.Locomo)))
            .OrderBy(p => grid.ToList().IndexOf(p.Configuration))
            .ToList();
        Print(points, new SweepPoint(defaultPoint with { Name = Name(defaultPoint.OptionsFor(embedderId)) + " (default)" }, defaultOwn.NixOs, defaultOwn.Locomo));
        log.WriteLine($"sweep with {embedderId} done in {Seconds(started):0.0} s");
    }

    /// <summary>Builds the default embedder (or the n-gram one) as the memory actor does and runs the sweep with it.</summary>
    public static void Run(NixOsEvaluation nixOs, LocomoEvaluation locomo, bool ngram, TextWriter log)
    {
        using var candidate = EvaluationEmbedders.One(ngram, log);
        new WeightSweep(nixOs, locomo, log).Run(candidate);
    }

    private static bool Fused(VectorMemoryStoreOptions options) => SearchFusion.IsHybrid(new MemoryQuery("text", [1f]), options);

    private static double Seconds(long started) => System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;

    private static string Name(VectorMemoryStoreOptions o) =>
        string.Create(CultureInfo.InvariantCulture, $"{(o.Fusion == FusionMode.Score ? "score" : "rrf")} {o.DenseWeight:0.0#}/{o.LexicalWeight:0.0#}/{o.TypoWeight:0.0#}");

    /// <summary>Every answer the sweep's fusion gave at the default point must be the store's own, exactly.</summary>
    private void CheckSameAsStore(SearchConfiguration point, ScoreCard store, ScoreCard sweep, string set)
    {
        var differing = store.Outcomes.Zip(sweep.Outcomes)
            .Count(p => !p.First.Ranked.SequenceEqual(p.Second.Ranked, StringComparer.Ordinal) || p.First.Abstained != p.Second.Abstained ||
                        p.First.BestConfidence != p.Second.BestConfidence);
        if (store.Outcomes.Count != sweep.Outcomes.Count || differing > 0)
        {
            throw new InvalidOperationException($"{set}: the sweep's fusion differs from the store's own search at {point.Name} on {differing} of {store.Outcomes.Count} requests");
        }

        log.WriteLine($"  check: at the default point the sweep's fusion gives the store's own answer on all {store.Outcomes.Count} {set} requests (ranking, abstention, best confidence)");
    }

    private void Print(IReadOnlyList<SweepPoint> points, SweepPoint defaultPoint)
    {
        var singles = points.Where(p => p.Configuration.Options.Fusion == FusionMode.Score && p.IsSingleChannel).ToList();
        var best = new Figures(singles.Max(p => p.All.NixOsAll), singles.Max(p => p.All.Rounds12), singles.Max(p => p.All.Round3), singles.Max(p => p.All.LocomoHit10), 0);
        log.WriteLine("single channels (score fusion, one weight 1):");
        foreach (var single in singles)
        {
            log.WriteLine("  " + Line(single, best));
        }

        log.WriteLine(Inv($"best single channel: NixOS top-3 all {best.NixOsAll:0.000}, rounds 1-2 {best.Rounds12:0.000}, round 3 {best.Round3:0.000}; LoCoMo hit@10 {best.LocomoHit10:0.000}"));
        log.WriteLine("columns: point | NixOS top-3 all | rounds 1-2 | round 3 (held out) | LoCoMo hit@10 | rounds 1-2 MRR@10 | at least the best single channel on all / rounds 1-2 / round 3 / LoCoMo");
        log.WriteLine("default: " + Line(defaultPoint, best));

        // The rule (docs/retrieval.md, "How the weights were chosen"), on rounds 1-2 and LoCoMo only.
        var score = points.Where(p => p.Configuration.Options.Fusion == FusionMode.Score).ToList();
        var eligible = score.Where(p => p.All.Rounds12 >= best.Rounds12 && p.All.LocomoHit10 >= best.LocomoHit10).ToList();
        var reaching = eligible.Where(p => p.All.LocomoHit10 >= LocomoTarget).ToList();
        log.WriteLine(Inv($"rule: {eligible.Count} score points at least the best single channel on rounds 1-2 and LoCoMo; {reaching.Count} of them reach LoCoMo hit@10 {LocomoTarget:0.00}"));
        var pool = reaching.Count > 0 ? reaching : eligible;
        var choice = pool.OrderByDescending(p => p.All.Mrr12).ThenByDescending(p => p.All.LocomoHit10).ThenByDescending(p => p.All.NixOsAll).FirstOrDefault();
        log.WriteLine(choice is null ? "rule: no point qualifies" : "rule picks: " + Line(choice, best));
        log.WriteLine("rule's pool by rounds 1-2 MRR@10:");
        foreach (var point in pool.OrderByDescending(p => p.All.Mrr12).ThenByDescending(p => p.All.LocomoHit10).Take(15))
        {
            log.WriteLine("  " + Line(point, best));
        }

        var everywhere = score.Where(p => p.All.AtLeast(best)).ToList();
        log.WriteLine($"score points at least the best single channel on every set (all, rounds 1-2, round 3, LoCoMo): {everywhere.Count}");
        foreach (var point in everywhere.OrderByDescending(p => p.All.Mrr12).Take(15))
        {
            log.WriteLine("  " + Line(point, best));
        }

        log.WriteLine("every point, by the smaller margin over the best single channel on rounds 1-2 and LoCoMo:");
        foreach (var point in points.OrderByDescending(p => Math.Min(p.All.Rounds12 - best.Rounds12, p.All.LocomoHit10 - best.LocomoHit10)).ThenByDescending(p => p.All.Mrr12))
        {
            log.WriteLine("  " + Line(point, best));
        }

        log.WriteLine("abstention per threshold (correct = out-of-domain / category 5 abstained, wrong = answerable abstained; the embedder's calibrated confidence)");
        foreach (var point in score.Where(p => choice is null || p == choice || p.IsSingleChannel).Prepend(defaultPoint))
        {
            PrintAbstention(point);
        }

        // Steps of 0.01 by round, for re-calibrating the threshold at a new default (rounds 1-2 choose, round 3 is reported).
        foreach (var point in choice is null ? [defaultPoint] : new[] { defaultPoint, choice })
        {
            for (var threshold = 0.01; threshold <= 0.305; threshold += 0.01)
            {
                var (r12Correct, r12Wrong) = point.NixOs.OfRounds(1, 2).AbstentionAt(threshold);
                var (r3Correct, r3Wrong) = point.NixOs.OfRounds(3).AbstentionAt(threshold);
                var (locomoCorrect, locomoWrong) = point.Locomo.AbstentionAt(threshold);
                log.WriteLine(Inv($"abstain-fine {point.Configuration.Name} below {threshold:0.00} | NixOS rounds 1-2 correct {r12Correct:0.000} wrong {r12Wrong:0.000} | round 3 correct {r3Correct:0.000} wrong {r3Wrong:0.000} | LoCoMo correct {locomoCorrect:0.000} wrong {locomoWrong:0.000}"));
            }
        }
    }

    private static string Line(SweepPoint p, Figures best)
    {
        var f = p.All;
        static string Mark(bool ok) => ok ? "yes" : "no";
        return Inv($"{p.Configuration.Name} | {f.NixOsAll:0.000} | {f.Rounds12:0.000} | {f.Round3:0.000} | {f.LocomoHit10:0.000} | {f.Mrr12:0.0000} | ") +
               Inv($"{Mark(f.NixOsAll >= best.NixOsAll)} / {Mark(f.Rounds12 >= best.Rounds12)} / {Mark(f.Round3 >= best.Round3)} / {Mark(f.LocomoHit10 >= best.LocomoHit10)}");
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private void PrintAbstention(SweepPoint point)
    {
        foreach (var threshold in Thresholds)
        {
            var (nixCorrect, nixWrong) = point.NixOs.AbstentionAt(threshold);
            var (locomoCorrect, locomoWrong) = point.Locomo.AbstentionAt(threshold);
            log.WriteLine(Inv($"abstain {point.Configuration.Name} below {threshold:0.00} | NixOS correct {nixCorrect:0.000} wrong {nixWrong:0.000} | LoCoMo correct {locomoCorrect:0.000} wrong {locomoWrong:0.000}"));
        }
    }

    /// <summary>The figures the rule and the requirement look at.</summary>
    private sealed record Figures(double NixOsAll, double Rounds12, double Round3, double LocomoHit10, double Mrr12)
    {
        public bool AtLeast(Figures best) =>
            NixOsAll >= best.NixOsAll && Rounds12 >= best.Rounds12 && Round3 >= best.Round3 && LocomoHit10 >= best.LocomoHit10;
    }

    private sealed record SweepPoint(SearchConfiguration Configuration, ScoreCard NixOs, ScoreCard Locomo)
    {
        public Figures All { get; } = new(
            NixOs.Overall.Hit3, NixOs.ForRounds(1, 2).Hit3, NixOs.ForRounds(3).Hit3, Locomo.Overall.Hit10, NixOs.ForRounds(1, 2).Mrr10);

        public bool IsSingleChannel =>
            new[] { Configuration.Options.DenseWeight, Configuration.Options.LexicalWeight, Configuration.Options.TypoWeight }.Count(w => w > 0) == 1;
    }
}
