using System.Globalization;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// Folding support: running behaviour counters, the fold watermark, the fold log and next-command transition
/// counts, all kept in the analytics database so that each is committed in the same transaction as the watermark
/// it belongs to (a fold, or a transition update, is applied exactly once per interaction).
/// </summary>
public sealed partial class AnalyticsStore
{
    // No primary keys: DuckDB upserts (ON CONFLICT) cost tens of milliseconds each here, which made a fold of a
    // few thousand interactions slower than 100k/s. Counters are rewritten whole, transition and last-command rows
    // are appended per fold and summed / arg-maxed when read.
    private const string FoldSchema = """
        CREATE TABLE IF NOT EXISTS fold_watermarks (
            name VARCHAR NOT NULL,
            sequence_nr BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS fold_counters (
            name VARCHAR NOT NULL,
            value DOUBLE NOT NULL);
        CREATE TABLE IF NOT EXISTS folds (
            fold_no BIGINT NOT NULL,
            stamp TIMESTAMP NOT NULL,
            from_seq BIGINT NOT NULL,
            to_seq BIGINT NOT NULL,
            interactions BIGINT NOT NULL,
            fragment VARCHAR,
            features INTEGER NOT NULL);
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

    private const string FoldedName = "folded";
    private const string TransitionsName = "transitions";

    // One aggregate over the interactions after the fold watermark; the column names are the counter names that
    // BehaviourFeatures turns into features. Categories and install methods are recognised from the command text
    // (the command_type column wins when the caller supplied a known category).
    private const string FoldAggregateSql = """
        WITH src AS (
            SELECT seq, timestamp, outcome, flow_score, hrv_coherence,
                   lower(text) AS said,
                   lower(COALESCE(command, '')) AS cmd,
                   lower(COALESCE(command_type, '')) AS ctype,
                   length(text) AS chars,
                   len(regexp_split_to_array(trim(text), '\s+')) AS words
            FROM interactions
            WHERE seq > $from),
        classified AS (
            SELECT *,
                CASE
                    WHEN cmd = '' THEN NULL
                    WHEN cmd LIKE '%home-manager%' OR cmd LIKE '%home.packages%' THEN 'home_manager'
                    WHEN cmd LIKE '%configuration.nix%' OR cmd LIKE '%environment.systempackages%' OR cmd LIKE '%nixos-rebuild%' THEN 'declarative'
                    WHEN cmd LIKE '%nix profile install%' OR cmd LIKE '%nix profile add%' THEN 'nix_profile'
                    WHEN cmd LIKE '%nix-env -i%' OR cmd LIKE '%nix-env --install%' THEN 'nix_env'
                    WHEN cmd LIKE '%nix-shell%' OR cmd LIKE '%nix shell%' OR cmd LIKE '%nix run%' OR cmd LIKE '%nix develop%' THEN 'shell'
                END AS method,
                CASE
                    WHEN ctype IN ('install', 'remove', 'search', 'update', 'rebuild', 'develop', 'git', 'garbage') THEN ctype
                    WHEN cmd = '' THEN 'other'
                    WHEN regexp_matches(cmd, 'nix-env (-e|--uninstall)|nix profile remove') THEN 'remove'
                    WHEN regexp_matches(cmd, 'nix-env (-i|--install)|nix profile (install|add)|systempackages|home\.packages') THEN 'install'
                    WHEN regexp_matches(cmd, 'nix search|nix-env -qa|nix-locate') THEN 'search'
                    WHEN regexp_matches(cmd, 'nix-channel --update|nix flake update|nix-env (-u|--upgrade)|--upgrade') THEN 'update'
                    WHEN regexp_matches(cmd, 'nixos-rebuild|home-manager switch|darwin-rebuild') THEN 'rebuild'
                    WHEN regexp_matches(cmd, 'nix develop|nix-shell|nix shell|direnv') THEN 'develop'
                    WHEN regexp_matches(cmd, '^git ') THEN 'git'
                    WHEN regexp_matches(cmd, 'nix-collect-garbage|nix store gc|nix-store --gc') THEN 'garbage'
                    ELSE 'other'
                END AS category
            FROM src)
        SELECT
            COUNT(*)::DOUBLE AS interactions,
            COALESCE(MIN(seq), 0)::DOUBLE AS first_seq,
            COALESCE(MAX(seq), 0)::DOUBLE AS last_seq,
            COUNT(*) FILTER (WHERE outcome = 'success')::DOUBLE AS successes,
            COUNT(*) FILTER (WHERE outcome IN ('success', 'failure'))::DOUBLE AS outcomes,
            COUNT(*) FILTER (WHERE flow_score > 0.7)::DOUBLE AS in_flow,
            COALESCE(SUM(flow_score), 0)::DOUBLE AS flow_score_sum,
            COALESCE(SUM(chars), 0)::DOUBLE AS chars,
            COALESCE(SUM(words), 0)::DOUBLE AS words,
            COUNT(*) FILTER (WHERE regexp_matches(said, '^\s*(please|can you|could you|would you|will you|i want|i need|i''d like|i would like|hey|um|uh|how do i|help me|show me|what|why|where)\b')
                              OR regexp_matches(said, '\b(um|uh|you know|kind of|sort of|thing)\b'))::DOUBLE AS voice_like,
            COUNT(*) FILTER (WHERE words <= 3)::DOUBLE AS terse,
            COUNT(*) FILTER (WHERE method = 'nix_env')::DOUBLE AS method_nix_env,
            COUNT(*) FILTER (WHERE method = 'nix_profile')::DOUBLE AS method_nix_profile,
            COUNT(*) FILTER (WHERE method = 'declarative')::DOUBLE AS method_declarative,
            COUNT(*) FILTER (WHERE method = 'home_manager')::DOUBLE AS method_home_manager,
            COUNT(*) FILTER (WHERE method = 'shell')::DOUBLE AS method_shell,
            COUNT(*) FILTER (WHERE hour(timestamp) < 6)::DOUBLE AS hour_night,
            COUNT(*) FILTER (WHERE hour(timestamp) >= 6 AND hour(timestamp) < 12)::DOUBLE AS hour_morning,
            COUNT(*) FILTER (WHERE hour(timestamp) >= 12 AND hour(timestamp) < 18)::DOUBLE AS hour_afternoon,
            COUNT(*) FILTER (WHERE hour(timestamp) >= 18)::DOUBLE AS hour_evening,
            COUNT(*) FILTER (WHERE isodow(timestamp) >= 6)::DOUBLE AS weekend,
            COUNT(*) FILTER (WHERE category = 'install')::DOUBLE AS category_install,
            COUNT(*) FILTER (WHERE category = 'remove')::DOUBLE AS category_remove,
            COUNT(*) FILTER (WHERE category = 'search')::DOUBLE AS category_search,
            COUNT(*) FILTER (WHERE category = 'update')::DOUBLE AS category_update,
            COUNT(*) FILTER (WHERE category = 'rebuild')::DOUBLE AS category_rebuild,
            COUNT(*) FILTER (WHERE category = 'develop')::DOUBLE AS category_develop,
            COUNT(*) FILTER (WHERE category = 'git')::DOUBLE AS category_git,
            COUNT(*) FILTER (WHERE category = 'garbage')::DOUBLE AS category_garbage,
            COUNT(*) FILTER (WHERE category = 'other')::DOUBLE AS category_other,
            COUNT(hrv_coherence)::DOUBLE AS hrv_samples,
            COALESCE(SUM(hrv_coherence), 0)::DOUBLE AS hrv_sum
        FROM classified
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

    /// <summary>The journal sequence number of the last interaction folded into the preferences (0 when none).</summary>
    public long FoldedThrough
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReadFoldState(FoldedName);
        }
    }

    /// <summary>
    /// Aggregates the interactions after the fold watermark and adds them to the running totals. Returns
    /// <c>null</c> when there is nothing new to fold. Nothing is written: <see cref="CommitFold"/> does that.
    /// </summary>
    public FoldBatch? PrepareFold()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var from = ReadFoldState(FoldedName);
        var fresh = new Dictionary<string, double>(StringComparer.Ordinal);
        using (var command = Prepare(FoldAggregateSql))
        {
            Bind(command, "from", from);
            using var reader = command.ExecuteReader();
            reader.Read();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                fresh[reader.GetName(i)] = reader.IsDBNull(i) ? 0 : Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);
            }
        }

        var count = (long)fresh["interactions"];
        if (count == 0)
        {
            return null;
        }

        var lastSeq = (long)fresh["last_seq"];
        var firstSeq = (long)fresh["first_seq"];
        fresh.Remove("last_seq");
        fresh.Remove("first_seq");

        var totals = ReadFoldTotals();
        foreach (var (name, value) in fresh)
        {
            totals[name] = totals.GetValueOrDefault(name) + value;
        }

        return new FoldBatch(from, firstSeq, lastSeq, count, totals);
    }

    /// <summary>
    /// Commits a prepared fold: the new totals, the watermark, the transition counts up to it and a line in the
    /// fold log, in one transaction. Call it after the fragment is on disk: if the process dies in between, the
    /// next fold folds the same interactions into a fragment with the same values (reads do not change), and no
    /// counter is ever added twice.
    /// </summary>
    /// <param name="batch">What <see cref="PrepareFold"/> returned (no other write in between).</param>
    /// <param name="stamp">The fragment's stamp.</param>
    /// <param name="fragment">The fragment file written, if any.</param>
    /// <param name="features">Cells written into it.</param>
    public void CommitFold(FoldBatch batch, DateTimeOffset stamp, string? fragment, int features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(batch);
        if (ReadFoldState(FoldedName) != batch.FromSeq)
        {
            throw new InvalidOperationException("the fold watermark moved since the fold was prepared");
        }

        using var transaction = _connection.BeginTransaction();
        try
        {
            Execute("DELETE FROM fold_counters");
            using (var counters = _connection.CreateAppender("fold_counters"))
            {
                foreach (var (name, value) in batch.Totals)
                {
                    counters.CreateRow().AppendValue(name).AppendValue(value).EndRow();
                }
            }

            AdvanceTransitions(batch.ToSeq);
            WriteFoldState(FoldedName, batch.ToSeq);
            using (var log = Prepare("INSERT INTO folds SELECT COALESCE(MAX(fold_no), 0) + 1, $stamp, $from, $to, $n, $fragment, $features FROM folds"))
            {
                Bind(log, "stamp", stamp.UtcDateTime);
                Bind(log, "from", batch.FirstSeq);
                Bind(log, "to", batch.ToSeq);
                Bind(log, "n", batch.Interactions);
                Bind(log, "fragment", fragment);
                Bind(log, "features", features);
                log.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        catch
        {
            transaction.Rollback();
            throw;
        }
    }

    /// <summary>
    /// Brings the next-command transition counts up to the projection's checkpoint (they have their own
    /// watermark, so asking for suggestions does not need a fold). Returns the interactions examined.
    /// </summary>
    public long UpdateTransitions()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var from = ReadFoldState(TransitionsName);
        if (from >= _checkpoint)
        {
            return 0;
        }

        using var transaction = _connection.BeginTransaction();
        try
        {
            AdvanceTransitions(_checkpoint);
            transaction.Commit();
            return _checkpoint - from;
        }
        catch
        {
            transaction.Rollback();
            throw;
        }
    }

    /// <summary>
    /// The commands most often run right after the person's latest command (within a session), with the share of
    /// those transitions each one had; the phrasing is the latest text that produced the command.
    /// </summary>
    /// <param name="limit">How many to return.</param>
    public NextCommandPrediction PredictNext(int limit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var last = Prepare("SELECT command FROM interactions WHERE command IS NOT NULL AND seq <= $to ORDER BY seq DESC LIMIT 1");
        Bind(last, "to", ReadFoldState(TransitionsName));
        var after = last.ExecuteScalar() as string;
        if (after is null)
        {
            return new NextCommandPrediction(null, []);
        }

        using var next = Prepare("""
            WITH counts AS (
                SELECT to_command, SUM(count)::BIGINT AS count FROM transition_counts WHERE from_command = $after GROUP BY to_command)
            SELECT t.to_command, t.count, t.count / (SUM(t.count) OVER ())::DOUBLE AS probability,
                   (SELECT arg_max(text, seq) FROM interactions i WHERE i.command = t.to_command) AS text
            FROM counts t
            ORDER BY t.count DESC, t.to_command
            LIMIT $limit
            """);
        Bind(next, "after", after);
        Bind(next, "limit", limit);
        using var reader = next.ExecuteReader();
        var list = new List<NextCommand>();
        while (reader.Read())
        {
            list.Add(new NextCommand(reader.GetString(0), reader.IsDBNull(3) ? reader.GetString(0) : reader.GetString(3),
                Convert.ToDouble(reader.GetValue(2), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)));
        }

        return new NextCommandPrediction(after, list);
    }

    /// <summary>
    /// Per command, how much the person leans on it: <c>(2·successes − attempts) / (attempts + 1)</c> over its
    /// attempts, in (−1, 1) — frequent success pushes it towards 1, repeated failure towards −1.
    /// </summary>
    public IReadOnlyDictionary<string, double> CommandAffinities()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var command = Prepare("""
            SELECT command, (2.0 * COUNT(*) FILTER (WHERE success) - COUNT(*)) / (COUNT(*) + 1)
            FROM command_attempts GROUP BY command
            """);
        using var reader = command.ExecuteReader();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        while (reader.Read())
        {
            result[reader.GetString(0)] = Convert.ToDouble(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return result;
    }

    /// <summary>The fold log, oldest first.</summary>
    public IReadOnlyList<FoldLogEntry> FoldLog()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var command = Prepare("SELECT fold_no, stamp, from_seq, to_seq, interactions, fragment, features FROM folds ORDER BY fold_no");
        using var reader = command.ExecuteReader();
        var list = new List<FoldLogEntry>();
        while (reader.Read())
        {
            list.Add(new FoldLogEntry(
                reader.GetInt64(0),
                new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt32(6)));
        }

        return list;
    }

    private void AdvanceTransitions(long to)
    {
        var from = ReadFoldState(TransitionsName);
        if (to <= from)
        {
            return;
        }

        foreach (var sql in new[] { TransitionsSql, SessionLastSql })
        {
            using var command = Prepare(sql);
            Bind(command, "from", from);
            Bind(command, "to", to);
            command.ExecuteNonQuery();
        }

        WriteFoldState(TransitionsName, to);
    }

    private Dictionary<string, double> ReadFoldTotals()
    {
        using var command = Prepare("SELECT name, value FROM fold_counters");
        using var reader = command.ExecuteReader();
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        while (reader.Read())
        {
            totals[reader.GetString(0)] = reader.GetDouble(1);
        }

        return totals;
    }

    private long ReadFoldState(string name)
    {
        using var command = Prepare("SELECT sequence_nr FROM fold_watermarks WHERE name = $name");
        Bind(command, "name", name);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private void WriteFoldState(string name, long sequenceNr)
    {
        using var update = Prepare("UPDATE fold_watermarks SET sequence_nr = $seq WHERE name = $name");
        Bind(update, "name", name);
        Bind(update, "seq", sequenceNr);
        if (update.ExecuteNonQuery() == 0)
        {
            using var insert = Prepare("INSERT INTO fold_watermarks VALUES ($name, $seq)");
            Bind(insert, "name", name);
            Bind(insert, "seq", sequenceNr);
            insert.ExecuteNonQuery();
        }
    }
}

/// <summary>A prepared fold: the interactions after the watermark, aggregated and added to the running totals.</summary>
/// <param name="FromSeq">The watermark before this fold.</param>
/// <param name="FirstSeq">The first folded interaction's sequence number.</param>
/// <param name="ToSeq">The last folded interaction's sequence number (the new watermark).</param>
/// <param name="Interactions">Interactions folded.</param>
/// <param name="Totals">The running counters including them (see <see cref="BehaviourFeatures"/>).</param>
public sealed record FoldBatch(long FromSeq, long FirstSeq, long ToSeq, long Interactions, IReadOnlyDictionary<string, double> Totals);

/// <summary>One line of the fold log.</summary>
/// <param name="FoldNo">1, 2, …</param>
/// <param name="Stamp">The fragment's stamp.</param>
/// <param name="FromSeq">First folded sequence number.</param>
/// <param name="ToSeq">Last folded sequence number.</param>
/// <param name="Interactions">Interactions folded.</param>
/// <param name="Fragment">The fragment file.</param>
/// <param name="Features">Cells written.</param>
public sealed record FoldLogEntry(long FoldNo, DateTimeOffset Stamp, long FromSeq, long ToSeq, long Interactions, string? Fragment, int Features);

/// <summary>A likely next command.</summary>
/// <param name="Command">The command.</param>
/// <param name="Text">The latest phrasing that produced it (what the person would say).</param>
/// <param name="Probability">Its share of the transitions out of the current command.</param>
/// <param name="Count">How often it followed the current command.</param>
public sealed record NextCommand(string Command, string Text, double Probability, long Count);

/// <summary>The likely next commands after the person's latest command.</summary>
/// <param name="AfterCommand">The latest command (null when there is none yet).</param>
/// <param name="Next">Most likely first.</param>
public sealed record NextCommandPrediction(string? AfterCommand, IReadOnlyList<NextCommand> Next);

/// <summary>Export of the analytics store as Parquet (DuckDB <c>COPY … (FORMAT parquet)</c>).</summary>
public sealed partial class AnalyticsStore
{
    /// <summary>The tables an export writes, with what each holds.</summary>
    public static readonly IReadOnlyDictionary<string, string> ExportedTables = new Dictionary<string, string>
    {
        ["interactions"] = "every interaction as projected from the journal",
        ["command_attempts"] = "command attempts with running success rates",
        ["events"] = "notifications and flow starts/ends with their flow period",
        ["biometrics"] = "biometric samples (not in the journal)",
        ["folds"] = "the fold log: when each preference fragment was written and from which interactions",
        ["transition_counts"] = "next-command transition counts",
    };

    /// <summary>Writes each of <see cref="ExportedTables"/> to <c>&lt;folder&gt;/&lt;table&gt;.parquet</c>; returns the row counts.</summary>
    /// <param name="folder">The target folder (created).</param>
    public IReadOnlyDictionary<string, long> ExportParquet(string folder)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Directory.CreateDirectory(folder);
        var counts = TableCounts().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var table in ExportedTables.Keys)
        {
            var path = System.IO.Path.Combine(folder, table + ".parquet").Replace("'", "''", StringComparison.Ordinal);
            // The table names are the constants above and the path is quoted, so nothing caller-typed reaches the SQL.
            Execute($"COPY (SELECT * FROM {table}) TO '{path}' (FORMAT parquet)");
            if (!counts.ContainsKey(table))
            {
                using var count = Prepare($"SELECT COUNT(*) FROM {table}");
                counts[table] = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }
}
