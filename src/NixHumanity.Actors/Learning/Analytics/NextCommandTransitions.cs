using System.Globalization;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// Next-command transition counts (<c>transition_counts</c>, with <c>session_last_commands</c> so batches join up)
/// and the prediction read from them. They have their own watermark (<see cref="FoldWatermarks.Transitions"/>), so
/// asking for suggestions does not need a fold; a fold brings them up to its own watermark in its transaction.
/// </summary>
internal sealed class NextCommandTransitions
{
    // No primary keys: transition and last-command rows are appended per update and summed / arg-maxed when read
    // (DuckDB upserts cost tens of milliseconds each here).
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS transition_counts (
            from_command VARCHAR NOT NULL,
            to_command VARCHAR NOT NULL,
            count BIGINT NOT NULL,
            through_seq BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS session_last_commands (
            session_id VARCHAR NOT NULL,
            seq BIGINT NOT NULL,
            command VARCHAR NOT NULL);
        """;

    // Transition counts of the interactions after a watermark: consecutive commands within a session, continuing
    // from the session's last command before the watermark (kept in session_last_command, so a small batch does not
    // scan the whole history to find it) so that batches join up without a gap.
    private const string TransitionsSql = """
        INSERT INTO transition_counts
        WITH fresh AS (
            SELECT seq, session_id, command FROM interactions WHERE seq > $from AND seq <= $to AND command IS NOT NULL),
        chain AS (
            SELECT seq, session_id, command FROM fresh
            UNION ALL
            SELECT MAX(seq), session_id, arg_max(command, seq) FROM session_last_commands
            WHERE session_id IN (SELECT DISTINCT session_id FROM fresh) GROUP BY session_id),
        pairs AS (
            SELECT command AS from_command, lead(command) OVER (PARTITION BY session_id ORDER BY seq) AS to_command FROM chain)
        SELECT from_command, to_command, COUNT(*), $to FROM pairs WHERE to_command IS NOT NULL GROUP BY from_command, to_command
        """;

    private const string SessionLastSql = """
        INSERT INTO session_last_commands
        SELECT session_id, MAX(seq), arg_max(command, seq)
        FROM interactions WHERE seq > $from AND seq <= $to AND command IS NOT NULL
        GROUP BY session_id
        """;

    private const string NextSql = """
        WITH counts AS (
            SELECT to_command, SUM(count)::BIGINT AS count FROM transition_counts WHERE from_command = $after GROUP BY to_command)
        SELECT t.to_command, t.count, t.count / (SUM(t.count) OVER ())::DOUBLE AS probability,
               (SELECT arg_max(text, seq) FROM interactions i WHERE i.command = t.to_command) AS text
        FROM counts t
        ORDER BY t.count DESC, t.to_command
        LIMIT $limit
        """;

    private readonly AnalyticsDatabase _db;
    private readonly FoldWatermarks _watermarks;

    private NextCommandTransitions(AnalyticsDatabase db, FoldWatermarks watermarks)
    {
        _db = db;
        _watermarks = watermarks;
    }

    /// <summary>Creates the tables when missing.</summary>
    public static NextCommandTransitions Open(AnalyticsDatabase db, FoldWatermarks watermarks)
    {
        db.Execute(Schema);
        return new NextCommandTransitions(db, watermarks);
    }

    /// <summary>
    /// Brings the counts up to <paramref name="checkpoint"/> in their own transaction; returns the interactions
    /// examined (0 when already there).
    /// </summary>
    public long UpdateTo(long checkpoint)
    {
        var from = _watermarks.Read(FoldWatermarks.Transitions);
        if (from >= checkpoint)
        {
            return 0;
        }

        using var transaction = _db.BeginTransaction();
        try
        {
            AdvanceTo(checkpoint);
            transaction.Commit();
            return checkpoint - from;
        }
        catch
        {
            transaction.Rollback();
            throw;
        }
    }

    /// <summary>Adds the transitions up to <paramref name="to"/> and moves the watermark, inside the caller's transaction.</summary>
    public void AdvanceTo(long to)
    {
        var from = _watermarks.Read(FoldWatermarks.Transitions);
        if (to <= from)
        {
            return;
        }

        foreach (var sql in new[] { TransitionsSql, SessionLastSql })
        {
            using var command = _db.Prepare(sql);
            AnalyticsDatabase.Bind(command, "from", from);
            AnalyticsDatabase.Bind(command, "to", to);
            command.ExecuteNonQuery();
        }

        _watermarks.Write(FoldWatermarks.Transitions, to);
    }

    /// <summary>
    /// The commands most often run right after the person's latest counted command (within a session), with the
    /// share of those transitions each one had; the phrasing is the latest text that produced the command.
    /// </summary>
    public NextCommandPrediction PredictNext(int limit)
    {
        using var last = _db.Prepare("SELECT command FROM interactions WHERE command IS NOT NULL AND seq <= $to ORDER BY seq DESC LIMIT 1");
        AnalyticsDatabase.Bind(last, "to", _watermarks.Read(FoldWatermarks.Transitions));
        var after = last.ExecuteScalar() as string;
        if (after is null)
        {
            return new NextCommandPrediction(null, []);
        }

        using var next = _db.Prepare(NextSql);
        AnalyticsDatabase.Bind(next, "after", after);
        AnalyticsDatabase.Bind(next, "limit", limit);
        using var reader = next.ExecuteReader();
        var list = new List<NextCommand>();
        while (reader.Read())
        {
            list.Add(new NextCommand(reader.GetString(0), reader.IsDBNull(3) ? reader.GetString(0) : reader.GetString(3),
                Convert.ToDouble(reader.GetValue(2), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)));
        }

        return new NextCommandPrediction(after, list);
    }
}
