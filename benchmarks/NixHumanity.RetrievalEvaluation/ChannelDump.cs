using System.Globalization;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Tests.Embeddings;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>
/// <c>--dump DIR</c>: every query's score on every channel for every memory it reaches, with the default embedder,
/// as TSV (<c>nixos.tsv</c>, <c>locomo.tsv</c>): the raw material for studying misses and abstention offline.
/// Columns: query number, group (kind or category), round (NixOS; 0 for LoCoMo), whether the memory answers the
/// query, whether the query is answerable, memory id, dense, lexical, typo. The files hold LoCoMo-derived
/// figures: write them outside the repository.
/// </summary>
internal static class ChannelDump
{
    /// <summary>Builds the default embedder (or the n-gram one) and dumps both sets.</summary>
    public static void Run(
        NixOsEvaluation nixOs, LocomoEvaluation locomo, QualitySet set, IReadOnlyList<LocomoConversation> conversations, string folder, bool ngram, TextWriter log)
    {
        Directory.CreateDirectory(folder);
        using var candidate = EvaluationEmbedders.One(ngram, log);
        log.WriteLine($"dump with {candidate.Embedder.Id}");
        var options = new MemoryOptions().ToStoreOptions(candidate.Embedder.Id) with { SuccessRateWeight = 0, ChannelCandidates = VectorMemoryStore.MaxK, AbstainBelow = 0 };
        var recorded = nixOs.Record(candidate);
        // What the dense channel would give if a memory's vector embedded its command as well as what was said.
        var withCommand = Timed.EmbedAll(candidate.Embedder, set.Commands.Select(c => $"{c.Said} {c.Command}").ToList()).Vectors;
        using (var writer = new StreamWriter(Path.Combine(folder, "nixos.tsv")))
        using (var store = VectorMemoryStore.Open(recorded.StorePath, options))
        {
            var idByCommand = set.Commands.ToDictionary(c => c.Command.Trim(), c => c.Id, StringComparer.Ordinal);
            for (var i = 0; i < set.Queries.Count; i++)
            {
                var q = set.Queries[i];
                var vector = recorded.QueryVectors[i];
                Write(writer, i, q.Kind, q.Round, store.Search(new MemoryQuery(q.Text, vector), VectorMemoryStore.MaxK),
                    r => idByCommand[r.Command], q.AnswerIds.ToHashSet(StringComparer.Ordinal),
                    r => System.Numerics.Tensors.TensorPrimitives.Dot(vector, withCommand[set.Commands.ToList().FindIndex(c => c.Command.Trim() == r.Command)]));
            }
        }

        var locomoRecorded = locomo.Record(candidate, log);
        using var locomoWriter = new StreamWriter(Path.Combine(folder, "locomo.tsv"));
        var number = 0;
        for (var c = 0; c < conversations.Count; c++)
        {
            using var store = VectorMemoryStore.Open(locomoRecorded.StorePaths[c], options);
            foreach (var question in conversations[c].Questions)
            {
                Write(locomoWriter, number, LocomoEvaluation.Group(question.Category), 0,
                    store.Search(new MemoryQuery(question.Text, locomoRecorded.QuestionVectors[number]), VectorMemoryStore.MaxK), r => r.Command, question.Evidence, r => r.Channels.Dense);
                number++;
            }
        }

        log.WriteLine($"wrote {folder}");
    }

    private static void Write(
        TextWriter writer, int query, string group, int round, MemorySearchResponse response, Func<MemorySearchResult, string> id, IReadOnlySet<string> relevant,
        Func<MemorySearchResult, double> denseWithCommand)
    {
        foreach (var r in response.Results)
        {
            var memory = id(r);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{query}\t{group}\t{round}\t{(relevant.Contains(memory) ? 1 : 0)}\t{(relevant.Count > 0 ? 1 : 0)}\t{memory}\t{r.Channels.Dense:0.#####}\t{r.Channels.Lexical:0.#####}\t{r.Channels.Typo:0.#####}\t{denseWithCommand(r):0.#####}"));
        }
    }
}
