using System.Globalization;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// Named watermarks (<c>fold_watermarks</c>): the journal sequence number up to which something derived from the
/// interactions has been brought — the fold (<see cref="Folded"/>) and the next-command transition counts
/// (<see cref="Transitions"/>). Each is written in the same transaction as what it covers.
/// </summary>
internal sealed class FoldWatermarks
{
    /// <summary>The watermark of the preference fold.</summary>
    public const string Folded = "folded";

    /// <summary>The watermark of the transition counts.</summary>
    public const string Transitions = "transitions";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS fold_watermarks (
            name VARCHAR NOT NULL,
            sequence_nr BIGINT NOT NULL);
        """;

    private readonly AnalyticsDatabase _db;

    private FoldWatermarks(AnalyticsDatabase db) => _db = db;

    /// <summary>Creates the table when missing.</summary>
    public static FoldWatermarks Open(AnalyticsDatabase db)
    {
        db.Execute(Schema);
        return new FoldWatermarks(db);
    }

    /// <summary>The watermark called <paramref name="name"/> (0 when never written).</summary>
    public long Read(string name)
    {
        using var command = _db.Prepare("SELECT sequence_nr FROM fold_watermarks WHERE name = $name");
        AnalyticsDatabase.Bind(command, "name", name);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Sets the watermark called <paramref name="name"/> (inside the caller's transaction).</summary>
    public void Write(string name, long sequenceNr)
    {
        // No primary key, so no upsert: DuckDB's ON CONFLICT cost tens of milliseconds per statement here.
        using var update = _db.Prepare("UPDATE fold_watermarks SET sequence_nr = $seq WHERE name = $name");
        AnalyticsDatabase.Bind(update, "name", name);
        AnalyticsDatabase.Bind(update, "seq", sequenceNr);
        if (update.ExecuteNonQuery() == 0)
        {
            using var insert = _db.Prepare("INSERT INTO fold_watermarks VALUES ($name, $seq)");
            AnalyticsDatabase.Bind(insert, "name", name);
            AnalyticsDatabase.Bind(insert, "seq", sequenceNr);
            insert.ExecuteNonQuery();
        }
    }
}
