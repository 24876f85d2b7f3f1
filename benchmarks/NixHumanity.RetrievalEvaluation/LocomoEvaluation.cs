using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>
/// LoCoMo through real stores: one store per conversation (one person), one memory per dialogue turn (command =
/// the turn's id, so turns never merge; text = "Speaker: what was said"), each question searched in its
/// conversation's store. Answerable questions (categories 1–4) score hit@k and recall@10 against their evidence
/// turns; adversarial ones (category 5) measure abstention.
/// </summary>
internal sealed class LocomoEvaluation(IReadOnlyList<LocomoConversation> conversations, IReadOnlyList<SearchConfiguration> configurations, string workFolder)
{
    /// <summary>Results asked of every search.</summary>
    public const int K = 10;

    private static readonly DateTimeOffset Recorded = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Records every conversation with <paramref name="candidate"/> and evaluates every configuration.</summary>
    public (IReadOnlyList<EvaluationRow> Rows, EmbeddingTiming Timing) Run(EmbedderCandidate candidate, TextWriter log)
    {
        var recorded = Record(candidate, log);
        var rows = new List<EvaluationRow>();
        foreach (var configuration in configurations)
        {
            var card = Evaluate(configuration, recorded);
            rows.Add(new EvaluationRow(candidate.Label, candidate.Embedder.Id, configuration, card));
            log.WriteLine($"  LoCoMo {configuration.Name}: hit@10 {card.Overall.Hit10:0.000}");
        }

        return (rows, recorded.Timing);
    }

    /// <summary>
    /// Embeds every turn and question once with <paramref name="candidate"/> and records one store per
    /// conversation, so that any number of configurations can then be evaluated on the same vectors.
    /// </summary>
    public RecordedLocomo Record(EmbedderCandidate candidate, TextWriter log)
    {
        var turnTexts = conversations.SelectMany(c => c.Turns.Select(t => t.MemoryText)).ToList();
        var (turnVectors, seconds) = Timed.EmbedAll(candidate.Embedder, turnTexts);
        log.WriteLine($"  LoCoMo: embedded {turnTexts.Count} turns in {seconds:0.0} s");
        var questionVectors = Timed.EmbedAll(candidate.Embedder, conversations.SelectMany(c => c.Questions.Select(q => q.Text)).ToList()).Vectors;
        var stores = new List<string>();
        var turnOffset = 0;
        foreach (var conversation in conversations)
        {
            stores.Add(Record(candidate, conversation, turnVectors.AsSpan(turnOffset, conversation.Turns.Count).ToArray()));
            turnOffset += conversation.Turns.Count;
        }

        return new RecordedLocomo(candidate.Embedder.Id, stores, questionVectors, new EmbeddingTiming(candidate.Label, "LoCoMo turns", turnTexts.Count, seconds));
    }

    /// <summary>Searches every question in its conversation's recorded store under <paramref name="configuration"/>.</summary>
    public ScoreCard Evaluate(SearchConfiguration configuration, RecordedLocomo recorded)
    {
        var card = new ScoreCard();
        var questionOffset = 0;
        for (var c = 0; c < conversations.Count; c++)
        {
            Evaluate(configuration.OptionsFor(recorded.EmbedderId), recorded.StorePaths[c], conversations[c], recorded.QuestionVectors.AsSpan(questionOffset, conversations[c].Questions.Count).ToArray(), card);
            questionOffset += conversations[c].Questions.Count;
        }

        return card;
    }

    /// <summary>
    /// Opens every recorded store with <paramref name="options"/> and gathers every question's channel evidence, to
    /// be fused under many weightings (the weight sweep).
    /// </summary>
    public GatheredRequests Gather(RecordedLocomo recorded, VectorMemoryStoreOptions options)
    {
        var stores = new List<VectorMemoryStore>();
        var requests = new List<GatheredRequest>();
        var number = 0;
        for (var c = 0; c < conversations.Count; c++)
        {
            var store = VectorMemoryStore.Open(recorded.StorePaths[c], options);
            stores.Add(store);
            foreach (var question in conversations[c].Questions)
            {
                var evidence = store.GatherEvidence(new MemoryQuery(question.Text, recorded.QuestionVectors[number]), K);
                requests.Add(new GatheredRequest(evidence, answer => Outcome(question, answer, 0)));
                number++;
            }
        }

        return new GatheredRequests(stores, requests, K);
    }

    /// <summary>The report group of a category.</summary>
    public static string Group(int category) => $"category {category}";

    private string Record(EmbedderCandidate candidate, LocomoConversation conversation, float[][] vectors)
    {
        var folder = Path.Combine(workFolder, "locomo", candidate.Embedder.Id.Replace(':', '_'), conversation.SampleId);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, VectorMemoryStore.FileName);
        using var store = VectorMemoryStore.Open(path);
        var batch = conversation.Turns
            .Select((t, i) => ((long)(i + 1), new MemoryRecord(t.DiaId, t.MemoryText, vectors[i], candidate.Embedder.Id, Recorded.AddMinutes(i), Succeeded: null)))
            .ToList();
        store.Upsert(batch);
        return path;
    }

    private static void Evaluate(VectorMemoryStoreOptions options, string storePath, LocomoConversation conversation, float[][] questionVectors, ScoreCard card)
    {
        using var store = VectorMemoryStore.Open(storePath, options);
        for (var q = 0; q < conversation.Questions.Count; q++)
        {
            var question = conversation.Questions[q];
            var (answer, milliseconds) = Timed.Run(() => SearchConfiguration.Search(store, question.Text, questionVectors[q], K));
            card.Add(Outcome(question, answer, milliseconds));
        }
    }

    private static QueryOutcome Outcome(LocomoQuestion question, SearchAnswer answer, double milliseconds) =>
        new(Group(question.Category), answer.Commands, question.Evidence, answer.Abstained, milliseconds, answer.BestConfidence);
}

/// <summary>LoCoMo recorded once: one store per conversation and every question's embedding.</summary>
/// <param name="EmbedderId">The embedder of the vectors.</param>
/// <param name="StorePaths">The stores, in the conversations' order.</param>
/// <param name="QuestionVectors">Every question's embedding, conversation after conversation.</param>
/// <param name="Timing">How long embedding the turns took.</param>
internal sealed record RecordedLocomo(string EmbedderId, IReadOnlyList<string> StorePaths, float[][] QuestionVectors, EmbeddingTiming Timing);
