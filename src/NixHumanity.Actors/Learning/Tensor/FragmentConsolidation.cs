namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// Merges the fragments stamped at or before a cut-off into one fragment that keeps, per coordinate, only the
/// winning cell with its original time and seq, so every read at or after the cut-off is unchanged (what is lost
/// is the overwritten history before it; see <see cref="ParquetTensorStore"/>). It runs when asked
/// (<see cref="IPreferenceTensorStore.Consolidate"/>) and, per time bucket, under <see cref="ConsolidationPolicy"/>
/// (<see cref="IPreferenceTensorStore.ConsolidateAged"/>, which the learner calls after each fold).
/// </summary>
internal static class FragmentConsolidation
{
    /// <summary>Consolidates; returns the new fragment, or <c>null</c> when fewer than two fragments qualified.</summary>
    public static FragmentInfo? Run(FragmentFiles files, FragmentCatalog catalog, TensorVersionIndex index, FragmentManifest manifest, long cutoffSeconds)
    {
        var merged = catalog.All.Where(f => f.Stamp.ToUnixTimeSeconds() <= cutoffSeconds).ToList();
        return merged.Count < 2 ? null : Merge(files, catalog, index, manifest, merged);
    }

    /// <summary>
    /// Merges <paramref name="merged"/> (at least two fragments of the catalog) into one fragment stamped with their
    /// newest stamp that keeps, per coordinate, their winning cell with its original time and seq.
    /// </summary>
    public static FragmentInfo Merge(FragmentFiles files, FragmentCatalog catalog, TensorVersionIndex index, FragmentManifest manifest, IReadOnlyList<FragmentInfo> merged)
    {
        var stamp = (uint)merged.Max(f => f.Stamp.ToUnixTimeSeconds());
        var fileName = FragmentFiles.NewFileName(stamp, catalog.TakeWriteOrder());

        // Each winning cell keeps its own time and seq, so the ordering against fragments written later (or
        // back-dated) is exactly as before; the new file is in place before the old ones go, so a crash in
        // between leaves duplicates of identical cells, which reads resolve to the same values.
        files.WriteAtomically(fileName, $"""
            SELECT user_id, feature, arg_max(time, k) AS time, arg_max(seq, k) AS seq, arg_max(preference, k) AS preference
            FROM (SELECT {FragmentFiles.Columns}, {FragmentFiles.OrderKey} AS k FROM {files.ParquetList(merged.Select(f => f.FileName))})
            GROUP BY user_id, feature
            ORDER BY user_id, feature
            """);
        var info = files.Describe(fileName) with { Stamp = DateTimeOffset.FromUnixTimeSeconds(stamp) };
        index.Consolidate(merged.Select(f => f.WriteOrder).ToHashSet(), info.WriteOrder);

        // The manifest lists the new file and drops the old ones before they are deleted, so a crash leaves unlisted
        // old files (adopted on the next open, duplicates as above), never listed ones that are missing.
        manifest.Record(fileName);
        foreach (var fragment in merged)
        {
            manifest.Forget(fragment.FileName);
        }

        manifest.Save();
        foreach (var fragment in merged)
        {
            File.Delete(files.PathOf(fragment.FileName));
            catalog.Remove(fragment);
        }

        catalog.Add(info);
        return info;
    }
}
