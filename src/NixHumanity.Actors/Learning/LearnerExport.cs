using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;

namespace NixHumanity.Actors.Learning;

/// <summary>The learner part of an export: the analytics tables as Parquet and a copy of every preference fragment, under <c>learner/</c>.</summary>
internal static class LearnerExport
{
    /// <summary>Writes the learner's stores into <c>&lt;exportFolder&gt;/learner/</c>.</summary>
    /// <param name="analytics">The analytics store.</param>
    /// <param name="tensor">The tensor store.</param>
    /// <param name="learnerFolder">The learner's own folder (where the fragments are).</param>
    /// <param name="exportFolder">An existing folder of the export.</param>
    public static StoreExported Write(AnalyticsStore analytics, IPreferenceTensorStore tensor, string learnerFolder, string exportFolder)
    {
        var folder = Path.Combine(exportFolder, "learner");
        var counts = analytics.ExportParquet(folder);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (table, meaning) in AnalyticsParquetExport.Tables)
        {
            files[$"learner/{table}.parquet"] = $"{meaning} ({counts[table]} rows)";
        }

        var fragments = tensor.ListFragments();
        var fragmentFolder = Path.Combine(folder, ParquetTensorStore.FragmentsFolderName);
        Directory.CreateDirectory(fragmentFolder);
        foreach (var fragment in fragments)
        {
            File.Copy(Path.Combine(learnerFolder, ParquetTensorStore.FragmentsFolderName, fragment.FileName), Path.Combine(fragmentFolder, fragment.FileName));
            files[$"learner/{ParquetTensorStore.FragmentsFolderName}/{fragment.FileName}"] =
                $"preference tensor fragment stamped {fragment.Stamp:O} ({fragment.Cells} cells: user_id, feature, time, seq, preference)";
        }

        return new StoreExported("learner", files, new Dictionary<string, long>
        {
            ["analyticsInteractions"] = counts["interactions"],
            ["biometricSamples"] = counts["biometrics"],
            ["folds"] = counts["folds"],
            ["preferenceFragments"] = fragments.Count,
        });
    }
}
