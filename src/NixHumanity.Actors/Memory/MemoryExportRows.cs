namespace NixHumanity.Actors.Memory;

/// <summary>One remembered command as exported to <c>memory/command_embeddings.parquet</c>.</summary>
internal sealed class ExportedMemoryRow
{
    /// <summary>Memory id.</summary>
    public string Id { get; set; } = "";

    /// <summary>The command.</summary>
    public string Command { get; set; } = "";

    /// <summary>The latest phrasing.</summary>
    public string Text { get; set; } = "";

    /// <summary>Intent, if known.</summary>
    public string? Intent { get; set; }

    /// <summary>Attempts with a reported outcome.</summary>
    public long Attempts { get; set; }

    /// <summary>Successful attempts.</summary>
    public long Successes { get; set; }

    /// <summary>successes / attempts.</summary>
    public double SuccessRate { get; set; }

    /// <summary>Mean reported satisfaction, if any.</summary>
    public double? UserSatisfaction { get; set; }

    /// <summary>Confidence, if any.</summary>
    public double? Confidence { get; set; }

    /// <summary>The embedder that produced <see cref="Vector"/>.</summary>
    public string Embedder { get; set; } = "";

    /// <summary>Journal sequence number of the last update.</summary>
    public long SequenceNr { get; set; }

    /// <summary>First recorded.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Last updated.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>The embedding (L2-normalised).</summary>
    public float[] Vector { get; set; } = [];
}

/// <summary>One table version as exported to <c>memory/versions.parquet</c>.</summary>
internal sealed class ExportedMemoryVersion
{
    /// <summary>Version number.</summary>
    public long Version { get; set; }

    /// <summary>When it was written.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>What it was.</summary>
    public string Description { get; set; } = "";

    /// <summary>The journal sequence number it brought the table to.</summary>
    public long SequenceNr { get; set; }

    /// <summary>Rows written by it.</summary>
    public int RowsWritten { get; set; }
}
