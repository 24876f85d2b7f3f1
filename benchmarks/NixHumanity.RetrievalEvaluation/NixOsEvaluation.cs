using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Tests.Embeddings;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>
/// The labelled NixOS set through a real store: every remembered interaction is recorded (its command, the phrase
/// the person said, that phrase's embedding), every request is searched through the store's public search, and the
/// returned commands are compared with the expected ones. Requests are grouped by kind; out-of-domain requests
/// (nothing answers them) measure abstention.
/// </summary>
internal sealed class NixOsEvaluation(QualitySet set, IReadOnlyList<SearchConfiguration> configurations, string workFolder)
{
    /// <summary>Results asked of every search (the report shows top 1, 3 and 5).</summary>
    public const int K = 10;

    private static readonly DateTimeOffset Recorded = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, string> _idByCommand = set.Commands.ToDictionary(c => c.Command.Trim(), c => c.Id, StringComparer.Ordinal);

    /// <summary>Records the set with <paramref name="candidate"/> and evaluates every configuration.</summary>
    public (IReadOnlyList<EvaluationRow> Rows, EmbeddingTiming Timing) Run(EmbedderCandidate candidate)
    {
        var recorded = Record(candidate);
        var rows = configurations
            .Select(configuration => new EvaluationRow(candidate.Label, candidate.Embedder.Id, configuration, Evaluate(configuration, recorded)))
            .ToList();
        return (rows, recorded.Timing);
    }

    /// <summary>
    /// Embeds the set once with <paramref name="candidate"/> and records its interactions in a store, so that any
    /// number of configurations can then be evaluated on the same vectors (<see cref="Evaluate"/>).
    /// </summary>
    public RecordedNixOs Record(EmbedderCandidate candidate)
    {
        var folder = Path.Combine(workFolder, "nixos", candidate.Embedder.Id.Replace(':', '_'));
        Directory.CreateDirectory(folder);
        var storePath = Path.Combine(folder, VectorMemoryStore.FileName);
        var texts = set.Commands.Select(c => c.Said).Concat(set.Queries.Select(q => q.Text)).ToList();
        var (vectors, seconds) = Timed.EmbedAll(candidate.Embedder, texts);
        var memoryVectors = vectors.Take(set.Commands.Count).ToArray();
        var queryVectors = vectors.Skip(set.Commands.Count).ToArray();
        using (var store = VectorMemoryStore.Open(storePath))
        {
            var batch = set.Commands
                .Select((c, i) => ((long)(i + 1), new MemoryRecord(c.Command, c.Said, memoryVectors[i], candidate.Embedder.Id, Recorded.AddMinutes(i), Succeeded: true)))
                .ToList();
            store.Upsert(batch);
        }

        return new RecordedNixOs(candidate.Embedder.Id, storePath, queryVectors, new EmbeddingTiming(candidate.Label, "NixOS set", texts.Count, seconds));
    }

    /// <summary>Searches every request of the set in the recorded store under <paramref name="configuration"/>.</summary>
    public ScoreCard Evaluate(SearchConfiguration configuration, RecordedNixOs recorded)
    {
        using var store = VectorMemoryStore.Open(recorded.StorePath, configuration.OptionsFor(recorded.EmbedderId));
        var card = new ScoreCard();
        for (var i = 0; i < set.Queries.Count; i++)
        {
            var query = set.Queries[i];
            var (answer, milliseconds) = Timed.Run(() => SearchConfiguration.Search(store, query.Text, recorded.QueryVectors[i], K));
            card.Add(Outcome(i, answer, milliseconds));
        }

        return card;
    }

    /// <summary>
    /// Opens the recorded store with <paramref name="options"/> and gathers every request's channel evidence, to be
    /// fused under many weightings (the weight sweep).
    /// </summary>
    public GatheredRequests Gather(RecordedNixOs recorded, VectorMemoryStoreOptions options)
    {
        var store = VectorMemoryStore.Open(recorded.StorePath, options);
        var requests = set.Queries
            .Select((query, i) => new GatheredRequest(store.GatherEvidence(new MemoryQuery(query.Text, recorded.QueryVectors[i]), K), answer => Outcome(i, answer, 0)))
            .ToList();
        return new GatheredRequests([store], requests, K);
    }

    private QueryOutcome Outcome(int i, SearchAnswer answer, double milliseconds)
    {
        var query = set.Queries[i];
        var ranked = answer.Commands.Select(c => _idByCommand[c]).ToList();
        return new QueryOutcome(query.Kind, ranked, query.AnswerIds.ToHashSet(StringComparer.Ordinal), answer.Abstained, milliseconds, answer.BestConfidence, query.Round);
    }
}

/// <summary>The NixOS set recorded once: the store's file and every request's embedding.</summary>
/// <param name="EmbedderId">The embedder of the vectors.</param>
/// <param name="StorePath">The store holding the remembered interactions.</param>
/// <param name="QueryVectors">The requests' embeddings, in the set's order.</param>
/// <param name="Timing">How long embedding took.</param>
internal sealed record RecordedNixOs(string EmbedderId, string StorePath, float[][] QueryVectors, EmbeddingTiming Timing);
