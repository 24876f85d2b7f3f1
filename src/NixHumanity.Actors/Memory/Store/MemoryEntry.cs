using System.Data.Common;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// One memory as a row of <c>command_embeddings</c> without its vector, plus how a recording updates its statistics
/// (see the remarks of <see cref="VectorMemoryStore"/>).
/// </summary>
internal sealed record MemoryEntry(
    long RowId,
    int Ord,
    string Id,
    string Command,
    string Text,
    string? Intent,
    double SuccessRate,
    double? UserSatisfaction,
    double SatisfactionSum,
    long SatisfactionCount,
    double? Confidence,
    long Attempts,
    long Successes,
    string EmbedderId,
    long SequenceNr,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The columns <see cref="Read"/> expects, in order; the vector follows at <see cref="ColumnCount"/>.</summary>
    public const string Columns =
        "row_id, ord, id, command, text, intent, success_rate, user_satisfaction, satisfaction_sum, satisfaction_count, " +
        "confidence, attempts, successes, embedder, sequence_nr, created_at, updated_at";

    /// <summary>How many columns <see cref="Columns"/> names.</summary>
    public const int ColumnCount = 17;

    /// <summary>A new memory (row id not yet assigned) from its first recording.</summary>
    public static MemoryEntry Create(string id, int ord, MemoryRecord record, long sequenceNr)
    {
        var empty = new MemoryEntry(-1, ord, id, record.Command.Trim(), record.Text, null, 0, null, 0, 0, null, 0, 0,
            record.EmbedderId, sequenceNr, record.At, record.At);
        return empty.Apply(record, sequenceNr);
    }

    /// <summary>This memory after one more recording: latest phrasing, updated counts and means.</summary>
    public MemoryEntry Apply(MemoryRecord record, long sequenceNr)
    {
        var attempts = Attempts + (record.Succeeded.HasValue ? 1 : 0);
        var successes = Successes + (record.Succeeded == true ? 1 : 0);
        var satisfactionSum = SatisfactionSum + (record.UserSatisfaction ?? 0);
        var satisfactionCount = SatisfactionCount + (record.UserSatisfaction.HasValue ? 1 : 0);
        return this with
        {
            Text = record.Text,
            Intent = record.Intent ?? Intent,
            Attempts = attempts,
            Successes = successes,
            SuccessRate = attempts == 0 ? 0 : (double)successes / attempts,
            SatisfactionSum = satisfactionSum,
            SatisfactionCount = satisfactionCount,
            UserSatisfaction = satisfactionCount == 0 ? null : satisfactionSum / satisfactionCount,
            Confidence = record.Confidence ?? Confidence,
            EmbedderId = record.EmbedderId,
            SequenceNr = sequenceNr,
            UpdatedAt = record.At > UpdatedAt ? record.At : UpdatedAt,
        };
    }

    /// <summary>Reads the <see cref="Columns"/> of the current row.</summary>
    public static MemoryEntry Read(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt32(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetDouble(6),
        reader.IsDBNull(7) ? null : reader.GetDouble(7),
        reader.GetDouble(8),
        reader.GetInt64(9),
        reader.IsDBNull(10) ? null : reader.GetDouble(10),
        reader.GetInt64(11),
        reader.GetInt64(12),
        reader.GetString(13),
        reader.GetInt64(14),
        new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(15), DateTimeKind.Utc)),
        new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(16), DateTimeKind.Utc)));

    /// <summary>This memory as a hit of a vector-only search (confidence = the cosine clamped to [0,1]).</summary>
    public MemorySearchResult ToResult(double score, double similarity) =>
        new(Id, Command, Text, Intent, score, similarity, SuccessRate, UserSatisfaction, Attempts, Math.Clamp(similarity, 0, 1), new MemoryChannelScores(similarity, 0, 0));

    /// <summary>This memory as a hit of a fused search.</summary>
    public MemorySearchResult ToResult(FusedHit hit) =>
        new(Id, Command, Text, Intent, hit.Score, hit.Channels.Dense, SuccessRate, UserSatisfaction, Attempts, hit.Confidence, hit.Channels);

    /// <summary>This memory's public statistics.</summary>
    public MemoryStats ToStats() =>
        new(Id, Command, Text, Intent, Attempts, Successes, SuccessRate, UserSatisfaction, Confidence, EmbedderId, SequenceNr, CreatedAt, UpdatedAt);
}
