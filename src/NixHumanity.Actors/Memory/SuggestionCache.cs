using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// The live results of the requests the learner expects next (<see cref="WarmSuggestions"/>), the top
/// <see cref="MemoryActor.WarmDepth"/> per text. Cleared whenever the memory or the preferences change.
/// </summary>
internal sealed class SuggestionCache
{
    private readonly Dictionary<string, (MemorySearched Response, bool Complete)> _entries = new(StringComparer.Ordinal);

    /// <summary>Texts cached now.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// The cached answer to a plain search (no where, no as-of) for <paramref name="query"/>, when the cache holds
    /// enough results for its limit; otherwise null.
    /// </summary>
    /// <param name="query">The search.</param>
    /// <param name="asOf">Its parsed as-of, if any.</param>
    public MemorySearched? TryServe(SearchMemory query, MemoryAsOf? asOf)
    {
        if (query.Where is not null || asOf is not null || !_entries.TryGetValue(Key(query.Query), out var cached) ||
            (query.Limit > MemoryActor.WarmDepth && !cached.Complete))
        {
            return null;
        }

        return cached.Response with { Query = query.Query, FromCache = true, Results = cached.Response.Results.Take(query.Limit).ToList() };
    }

    /// <summary>Replaces the cache with the results of <paramref name="texts"/> (a text the search refuses is left out).</summary>
    /// <param name="texts">The likely next requests.</param>
    /// <param name="search">Runs a live search of the top <see cref="MemoryActor.WarmDepth"/>.</param>
    public void Warm(IEnumerable<string> texts, Func<string, MemorySearched> search)
    {
        _entries.Clear();
        foreach (var text in texts.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var response = search(text);
                _entries[Key(text)] = (response, response.Results.Count < MemoryActor.WarmDepth);
            }
            catch (InvalidInputException)
            {
                // A text without usable features cannot be searched; a real search for it is rejected as usual.
            }
        }
    }

    /// <summary>Forgets every cached result (the memory or the preferences changed).</summary>
    public void Clear() => _entries.Clear();

    private static string Key(string text) => text.Trim();
}
