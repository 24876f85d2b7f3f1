namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// In-memory copy of every cell version held in the fragments, per user and feature, ordered by (time, seq).
/// <see cref="ParquetTensorStore"/> serves reads from it because opening a Parquet file through DuckDB costs
/// about a millisecond or more, so a read over 1,000 fragments on disk takes seconds (measured in
/// <c>docs/benchmarks-learning.md</c>). The fragments on disk stay the source of truth; the index is loaded from
/// them on open and kept in step by every write, consolidation and deletion.
/// <para>
/// Memory is about 32 bytes per stored version plus 6 KB per user, which suits a per-user learner (one user,
/// 768 features, thousands of folds); a store for very many users would read from disk instead.
/// </para>
/// </summary>
/// <param name="featureCount">The tensor's number of features (its layout's).</param>
internal sealed class TensorVersionIndex(int featureCount = FeatureRange.FeatureCount)
{
    private readonly SortedDictionary<int, List<Version>?[]> _users = [];

    /// <summary>How many cell versions are held.</summary>
    public long Count { get; private set; }

    /// <summary>Adds one version; <paramref name="fragment"/> is the write order of the file holding it.</summary>
    public void Add(int userId, int feature, uint time, long seq, long fragment, float value)
    {
        if (!_users.TryGetValue(userId, out var features))
        {
            features = new List<Version>?[featureCount];
            _users[userId] = features;
        }

        InsertSorted(features[feature] ??= new List<Version>(4), new Version(time, seq, fragment, value));
        Count++;
    }

    /// <summary>Per coordinate the latest version with time ≤ <paramref name="at"/>, ordered by user and feature.</summary>
    public List<TensorValue> Read(long at, int? userId, FeatureRange features)
    {
        var result = new List<TensorValue>();
        if (userId is { } only)
        {
            if (_users.TryGetValue(only, out var slots))
            {
                ReadUser(only, slots, at, features, result);
            }

            return result;
        }

        foreach (var (user, slots) in _users)
        {
            ReadUser(user, slots, at, features, result);
        }

        return result;
    }

    /// <summary>
    /// Mirrors a consolidation: per coordinate, of the versions held by the <paramref name="merged"/> fragments
    /// only the latest stays, now held by fragment <paramref name="into"/>.
    /// </summary>
    public void Consolidate(IReadOnlySet<long> merged, long into)
    {
        foreach (var slots in _users.Values)
        {
            foreach (var versions in slots)
            {
                if (versions is null)
                {
                    continue;
                }

                var winner = -1;
                for (var i = 0; i < versions.Count; i++)
                {
                    if (merged.Contains(versions[i].Fragment))
                    {
                        winner = i;
                    }
                }

                if (winner < 0)
                {
                    continue;
                }

                // The winner keeps its time and seq, so it sorts against the remaining versions as before.
                var kept = versions[winner] with { Fragment = into };
                var before = versions.Count;
                versions.RemoveAll(v => merged.Contains(v.Fragment));
                InsertSorted(versions, kept);
                Count -= before - versions.Count;
            }
        }
    }

    /// <summary>Forgets every version of <paramref name="userId"/>.</summary>
    public void RemoveUser(int userId)
    {
        if (_users.Remove(userId, out var slots))
        {
            Count -= slots.Sum(v => v?.Count ?? 0);
        }
    }

    private static void InsertSorted(List<Version> versions, Version version)
    {
        // Writes nearly always carry the newest stamp, so the insertion point is found from the end.
        var at = versions.Count;
        while (at > 0 && version.IsBefore(versions[at - 1]))
        {
            at--;
        }

        versions.Insert(at, version);
    }

    private static void ReadUser(int user, List<Version>?[] slots, long at, FeatureRange features, List<TensorValue> result)
    {
        for (var feature = features.First; feature <= Math.Min(features.Last, slots.Length - 1); feature++)
        {
            var versions = slots[feature];
            if (versions is null || versions.Count == 0)
            {
                continue;
            }

            // Last version with time ≤ at (versions are sorted by time, then seq).
            int lo = 0, hi = versions.Count - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                if (versions[mid].Time <= at)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            if (found >= 0)
            {
                var v = versions[found];
                result.Add(new TensorValue(user, feature, v.Value, DateTimeOffset.FromUnixTimeSeconds(v.Time)));
            }
        }
    }

    private readonly record struct Version(uint Time, long Seq, long Fragment, float Value)
    {
        public bool IsBefore(Version other) => Time < other.Time || (Time == other.Time && Seq < other.Seq);
    }
}
