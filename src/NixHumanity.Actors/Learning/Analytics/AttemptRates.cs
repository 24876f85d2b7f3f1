namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The per-attempt <c>success_rate</c> of <c>command_attempts</c>: the share of successes among the last
/// <see cref="Window"/> attempts of the same command up to and including this one, <b>in time order</b>
/// (<c>timestamp</c>, then journal order for equal times). <c>attempts</c> and <c>successes</c> hold the window's counts
/// (1..<see cref="Window"/>). A recent window, not a running total: early failures stop weighing on the curve once
/// the person has mastered a command, and a week's mastery is made of that week's attempts and the few before them.
/// <para>
/// Attempts usually arrive in time order and are computed from the command's last attempts kept in memory. An attempt
/// older than the command's latest one (imported history, a back-dated record) changes the windows of the attempts
/// after it: the batch marks the command and <see cref="RewriteLateCommands"/> recomputes that command's rates from
/// the earliest late attempt on, in the batch's transaction.
/// </para>
/// </summary>
internal sealed class AttemptRates
{
    /// <summary>How many recent attempts of a command its success rate looks at.</summary>
    public const int Window = 10;

    private const string RecentSql = """
        SELECT timestamp, seq, success FROM command_attempts
        WHERE command = $command ORDER BY timestamp DESC, seq DESC LIMIT 10
        """;

    // One definition of the rule, used for one command's rows and for every command's: an attempt's rate is the share of
    // successes among the command's 10 most recent attempts up to it, in time order (ties by journal order).
    private const string RecentRatesOf = """
        UPDATE command_attempts
        SET attempts = w.attempts, successes = w.successes, success_rate = w.successes / w.attempts
        FROM (
            SELECT seq,
                   COUNT(*) OVER recent AS attempts,
                   CAST(SUM(CASE WHEN success THEN 1 ELSE 0 END) OVER recent AS BIGINT) AS successes
            FROM command_attempts
        """;

    private const string RecentWindow = "ORDER BY timestamp, seq ROWS BETWEEN 9 PRECEDING AND CURRENT ROW";

    private const string RewriteSql = $"""
        {RecentRatesOf}
            WHERE command = $command
            WINDOW recent AS ({RecentWindow})
        ) w
        WHERE command_attempts.seq = w.seq AND command_attempts.command = $command AND command_attempts.timestamp >= $from
        """;

    // The rule the stored rates follow; a store written under an older rule (a running rate in journal order) has
    // all its rates recomputed once when opened.
    private const string Rule = "recent-10-in-time-order";

    private const string RuleSchema = "CREATE TABLE IF NOT EXISTS attempt_rate_rule (rule VARCHAR NOT NULL)";

    private const string RewriteAllSql = $"""
        {RecentRatesOf}
            WINDOW recent AS (PARTITION BY command {RecentWindow})
        ) w
        WHERE command_attempts.seq = w.seq
        """;

    private readonly AnalyticsDatabase _db;

    // Per command: its latest attempts in time order (at most Window), loaded lazily from the table.
    private readonly Dictionary<string, Queue<Attempt>> _recent = new(StringComparer.Ordinal);

    // Commands that received an attempt older than their latest one in the current batch, with the earliest such time.
    private readonly Dictionary<string, DateTime> _late = new(StringComparer.Ordinal);

    private AttemptRates(AnalyticsDatabase db) => _db = db;

    /// <summary>
    /// Opens the rates of <paramref name="db"/> (whose <c>command_attempts</c> table exists), recomputing every stored
    /// rate once when the store was written under an older rule.
    /// </summary>
    public static AttemptRates Open(AnalyticsDatabase db)
    {
        db.Execute(RuleSchema);
        using var current = db.Prepare("SELECT COUNT(*) FROM attempt_rate_rule WHERE rule = $rule");
        AnalyticsDatabase.Bind(current, "rule", Rule);
        if (Convert.ToInt64(current.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            using var transaction = db.BeginTransaction();
            db.Execute(RewriteAllSql);
            db.Execute("DELETE FROM attempt_rate_rule");
            using var insert = db.Prepare("INSERT INTO attempt_rate_rule VALUES ($rule)");
            AnalyticsDatabase.Bind(insert, "rule", Rule);
            insert.ExecuteNonQuery();
            transaction.Commit();
        }

        return new AttemptRates(db);
    }

    /// <summary>
    /// The window counts of a new attempt. For a late attempt they are provisional: <see cref="RewriteLateCommands"/>
    /// replaces them once the batch's rows are in the table.
    /// </summary>
    public (long Attempts, long Successes) Add(string command, DateTime timestamp, long seq, bool success)
    {
        var recent = RecentOf(command);
        if (_late.TryGetValue(command, out var earliest) || (recent.Count > 0 && timestamp < recent.Last().Timestamp))
        {
            _late[command] = _late.ContainsKey(command) && earliest < timestamp ? earliest : timestamp;
            return (1, success ? 1 : 0);
        }

        recent.Enqueue(new Attempt(timestamp, seq, success));
        if (recent.Count > Window)
        {
            recent.Dequeue();
        }

        return (recent.Count, recent.Count(a => a.Success));
    }

    /// <summary>
    /// Recomputes, for each command that got a late attempt in this batch, the windows of its attempts from the
    /// earliest late one on. Call it after the batch's appenders are closed, inside the batch's transaction.
    /// </summary>
    public void RewriteLateCommands()
    {
        foreach (var (command, from) in _late)
        {
            using var rewrite = _db.Prepare(RewriteSql);
            AnalyticsDatabase.Bind(rewrite, "command", command);
            AnalyticsDatabase.Bind(rewrite, "from", from);
            rewrite.ExecuteNonQuery();
            // Its latest attempts may have changed order; read them again when next needed.
            _recent.Remove(command);
        }

        _late.Clear();
    }

    /// <summary>Forgets what is held in memory (after a rolled-back batch); it is read again from the table.</summary>
    public void Reset()
    {
        _recent.Clear();
        _late.Clear();
    }

    private Queue<Attempt> RecentOf(string command)
    {
        if (_recent.TryGetValue(command, out var recent))
        {
            return recent;
        }

        var newestFirst = new List<Attempt>(Window);
        using (var query = _db.Prepare(RecentSql))
        {
            AnalyticsDatabase.Bind(query, "command", command);
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                newestFirst.Add(new Attempt(reader.GetDateTime(0), reader.GetInt64(1), reader.GetBoolean(2)));
            }
        }

        newestFirst.Reverse();
        recent = new Queue<Attempt>(newestFirst);
        _recent[command] = recent;
        return recent;
    }

    private readonly record struct Attempt(DateTime Timestamp, long Seq, bool Success);
}
