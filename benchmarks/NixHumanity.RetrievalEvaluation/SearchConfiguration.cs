using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>
/// One way of searching the store, evaluated side by side with the others: a name for the report, the store
/// options it opens the store with, and the call it makes. The evaluation never ranks by itself: every row is
/// the store's own public search under some options.
/// </summary>
/// <param name="Name">Row name in the report.</param>
/// <param name="Explanation">What the row is, for the report's legend.</param>
/// <param name="Options">The options the store is opened with.</param>
internal sealed record SearchConfiguration(string Name, string Explanation, VectorMemoryStoreOptions Options)
{
    /// <summary>Whether this configuration can abstain (say nothing remembered is relevant).</summary>
    public bool CanAbstain => false;

    /// <summary>Searches <paramref name="store"/> for the query (its text and its embedding), best first.</summary>
    public SearchAnswer Search(VectorMemoryStore store, string text, float[] vector, int k)
    {
        var response = store.Search(vector, k);
        return new SearchAnswer(response.Results.Select(r => r.Command).ToList(), Abstained: false);
    }

    /// <summary>The configurations of the evaluation, the store's default first.</summary>
    public static IReadOnlyList<SearchConfiguration> All() =>
    [
        new("dense", "cosine similarity of the embeddings (the store's search by vector, default options)", new VectorMemoryStoreOptions()),
    ];
}

/// <summary>What a search returned: the commands best first, and whether it abstained.</summary>
/// <param name="Commands">The returned memories' commands, best first.</param>
/// <param name="Abstained">True when the store said nothing remembered is relevant.</param>
internal sealed record SearchAnswer(IReadOnlyList<string> Commands, bool Abstained);
