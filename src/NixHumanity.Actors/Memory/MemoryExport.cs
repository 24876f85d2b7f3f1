using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// The memory part of an export: the live memories and the version list, copied out of the store on the owner's
/// thread (<see cref="Collect"/>), then written as Parquet off the actor (<see cref="WriteAsync"/>).
/// </summary>
/// <param name="Rows">The live memories with their vectors.</param>
/// <param name="Versions">The table's versions.</param>
/// <param name="Dimensions">Components of every vector (the embedder's dimension).</param>
internal sealed record MemoryExport(List<ExportedMemoryRow> Rows, List<ExportedMemoryVersion> Versions, int Dimensions)
{
    /// <summary>Copies what is exported out of <paramref name="store"/>.</summary>
    public static MemoryExport Collect(VectorMemoryStore store)
    {
        var rows = store.ListMemoryVectors().Select(m => new ExportedMemoryRow
        {
            Id = m.Memory.Id,
            Command = m.Memory.Command,
            Text = m.Memory.Text,
            Intent = m.Memory.Intent,
            Attempts = m.Memory.Attempts,
            Successes = m.Memory.Successes,
            SuccessRate = m.Memory.SuccessRate,
            UserSatisfaction = m.Memory.UserSatisfaction,
            Confidence = m.Memory.Confidence,
            Embedder = m.Memory.EmbedderId,
            SequenceNr = m.Memory.SequenceNr,
            CreatedAt = m.Memory.CreatedAt.UtcDateTime,
            UpdatedAt = m.Memory.UpdatedAt.UtcDateTime,
            Vector = m.Vector,
        }).ToList();
        var versions = store.ListVersions().Select(v => new ExportedMemoryVersion
        {
            Version = v.Version, CreatedAt = v.CreatedAt.UtcDateTime, Description = v.Description, SequenceNr = v.SequenceNr, RowsWritten = v.RowsWritten,
        }).ToList();
        return new MemoryExport(rows, versions, store.Dimensions);
    }

    /// <summary>Writes the Parquet files into <c>&lt;exportFolder&gt;/memory/</c>.</summary>
    public async Task<StoreExported> WriteAsync(string exportFolder)
    {
        var folder = Path.Combine(exportFolder, "memory");
        await ParquetFile.WriteAsync(Rows, Path.Combine(folder, "command_embeddings.parquet")).ConfigureAwait(false);
        await ParquetFile.WriteAsync(Versions, Path.Combine(folder, "versions.parquet")).ConfigureAwait(false);
        return new StoreExported(
            "memory",
            new Dictionary<string, string>
            {
                ["memory/command_embeddings.parquet"] = $"remembered commands with statistics and {Dimensions}-d embeddings ({Rows.Count} rows)",
                ["memory/versions.parquet"] = $"the memory table's versions (time travel) ({Versions.Count} rows)",
            },
            new Dictionary<string, long> { ["memories"] = Rows.Count, ["memoryVersions"] = Versions.Count });
    }
}
