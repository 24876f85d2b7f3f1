using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Projections;

namespace NixHumanity.Actors.Memory;

/// <summary>The memory actor's requests: search, compaction, the learner protocol.</summary>
internal sealed partial class MemoryActor
{
    private void Search(SearchMemory query) => Search(query, null);

    /// <summary>Answers <paramref name="query"/>; <paramref name="vector"/> is its embedding when an asynchronous embedder gave it.</summary>
    private void Search(SearchMemory query, float[]? vector)
    {
        var rejection = InputRules.FirstOf(
            InputRules.RequiredText("query", query.Query),
            query.Limit is < 1 or > VectorMemoryStore.MaxK ? new CommandRejected("limit", $"must be between 1 and {VectorMemoryStore.MaxK}") : null,
            query.Where is not null && string.IsNullOrWhiteSpace(query.Where) ? new CommandRejected("where", "must not be blank when given") : null);
        if (rejection is not null)
        {
            Sender.Tell(rejection);
            return;
        }

        MemoryAsOf? asOf = null;
        if (query.AsOf is not null)
        {
            try
            {
                asOf = MemoryAsOf.Parse(query.AsOf);
            }
            catch (InvalidInputException ex)
            {
                Sender.Tell(ex.Rejection);
                return;
            }
        }

        try
        {
            if (_suggestions.TryServe(query, asOf) is { } served)
            {
                Sender.Tell(served);
            }
            else if (vector is null && _async is not null && !TryCachedQuery(query.Query, out vector))
            {
                // Answered when the vector arrives (QueryEmbedded); the store thread goes on meanwhile.
                EmbedQuery(query);
            }
            else
            {
                Sender.Tell(_ranking.Search(Store, _preferences, query.Query, query.Limit, query.Where, asOf, vector));
            }
        }
        catch (InvalidInputException ex)
        {
            // The store validates vector, predicate and version before it reads anything and names the field it
            // rejects. Anything else it throws is a store failure and restarts the actor.
            Sender.Tell(AsSearchRejection(ex.Rejection));
        }
    }

    private void Compact(CompactMemory compact)
    {
        try
        {
            Sender.Tell(new MemoryCompacted(UserId, Store.Compact(compact.UpToVersion)));
        }
        catch (InvalidInputException ex)
        {
            Sender.Tell(ex.Rejection);
        }
    }

    private CommandEmbeddings ListCommandEmbeddings() => new(
        UserId,
        Store.EmbedderId ?? _embedder.Id,
        Store.CurrentVersion,
        Store.ListMemoryVectors()
            .Select(m => new CommandEmbedding(m.Memory.Id, m.Memory.Command, m.Vector, m.Memory.Attempts, m.Memory.Successes, m.Memory.SuccessRate, m.Memory.UserSatisfaction))
            .ToList(),
        Store.Checkpoint);

    private void UpdatePreferences(UpdatePreferences update)
    {
        var (preferences, rejection) = MemoryPreferences.From(update, _embedder);
        if (preferences is null)
        {
            Sender.Tell(rejection!);
            return;
        }

        EnsureDurableStore();
        _preferencesFile.Save(preferences);
        _preferences = preferences;
        _suggestions.Clear();
        Sender.Tell(new PreferencesUpdated(UserId, preferences.Direction.Length, preferences.Affinity.Count));
    }

    private void Warm(WarmSuggestions warm) => Warm(warm, null);

    /// <summary>Warms the cache; <paramref name="vectors"/> are the texts' embeddings when an asynchronous embedder gave them.</summary>
    private void Warm(WarmSuggestions warm, IReadOnlyDictionary<string, float[]>? vectors)
    {
        if (ValidateWarm(warm) is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }

        // Warming is only a cache: it never loads the model nor waits for it (the learner warms again after its next fold).
        if (_model.ModelMissing || _model.Holding)
        {
            Sender.Tell(new SuggestionsWarmed(UserId, 0, Store.CurrentVersion));
            return;
        }

        if (vectors is null && _async is not null && !TryCachedQueries(warm.LikelyNextTexts, out vectors))
        {
            // Warmed when the vectors arrive (WarmTextsEmbedded).
            EmbedWarmTexts(warm, vectors);
            return;
        }

        // The learner sends the current set of likely requests; it replaces the previous one.
        _suggestions.Warm(warm.LikelyNextTexts, text => _ranking.Search(Store, _preferences, text, WarmDepth, null, null, vectors?.GetValueOrDefault(text)));
        Sender.Tell(new SuggestionsWarmed(UserId, _suggestions.Count, Store.CurrentVersion));
    }

    private CommandRejected? ValidateWarm(WarmSuggestions warm)
    {
        if (warm.LikelyNextTexts is null)
        {
            return new CommandRejected("likelyNextTexts", "must be given");
        }

        if (warm.LikelyNextTexts.Count > _settings.Options.WarmCacheSize)
        {
            return new CommandRejected("likelyNextTexts", $"must hold at most {_settings.Options.WarmCacheSize} texts");
        }

        return InputRules.FirstOf(warm.LikelyNextTexts.Select((text, i) => InputRules.RequiredText($"likelyNextTexts[{i}]", text)).ToArray());
    }

    // The store calls the result count k; the message calls it limit.
    private static CommandRejected AsSearchRejection(CommandRejected rejection) =>
        rejection.Field == "k" ? rejection with { Field = "limit" } : rejection;
}
