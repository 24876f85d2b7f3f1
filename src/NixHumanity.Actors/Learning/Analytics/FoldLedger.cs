using System.Buffers.Binary;
using System.Globalization;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The bookkeeping of the preference fold: the running behaviour counters (<c>fold_counters</c>), the fold watermark
/// and the fold log (<c>folds</c>). A fold is prepared (read only) and then committed in one transaction together
/// with the transition counts up to its watermark, so every interaction is folded exactly once.
/// </summary>
/// <remarks>
/// The fold log keeps, per fold, its stamp and watermark (from which its behaviour features are recomputed exactly)
/// and the preference direction it wrote (<c>direction</c>: the d float32 values as little-endian bytes, NULL when
/// the fold wrote none), since the direction came from the memory's command embeddings at that moment and cannot be
/// recomputed from the journal. A store created before directions were logged gains the column on open; its earlier
/// folds have NULL there (see <see cref="LoggedFold.DirectionLogged"/>).
/// </remarks>
internal sealed class FoldLedger
{
    // No primary keys: DuckDB upserts (ON CONFLICT) cost tens of milliseconds each here, which made a fold of a
    // few thousand interactions slower than 100k/s. Counters are rewritten whole.
    private const string Schema = """
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
            features INTEGER NOT NULL,
            direction BLOB);
        ALTER TABLE folds ADD COLUMN IF NOT EXISTS direction BLOB;
        """;

    private const string LogSql = """
        INSERT INTO folds (fold_no, stamp, from_seq, to_seq, interactions, fragment, features, direction)
        SELECT COALESCE(MAX(fold_no), 0) + 1, $stamp, $from, $to, $n, $fragment, $features, $direction FROM folds
        """;

    private readonly AnalyticsDatabase _db;
    private readonly FoldWatermarks _watermarks;
    private readonly NextCommandTransitions _transitions;

    private FoldLedger(AnalyticsDatabase db, FoldWatermarks watermarks, NextCommandTransitions transitions)
    {
        _db = db;
        _watermarks = watermarks;
        _transitions = transitions;
    }

    /// <summary>The journal sequence number of the last interaction folded (0 when none).</summary>
    public long FoldedThrough => _watermarks.Read(FoldWatermarks.Folded);

    /// <summary>Creates the tables when missing.</summary>
    public static FoldLedger Open(AnalyticsDatabase db, FoldWatermarks watermarks, NextCommandTransitions transitions)
    {
        db.Execute(Schema);
        return new FoldLedger(db, watermarks, transitions);
    }

    /// <summary>
    /// Aggregates the interactions after the fold watermark (up to <paramref name="through"/>) and adds them to the
    /// running totals; <c>null</c> when there is nothing new. Writes nothing.
    /// </summary>
    /// <param name="through">The last sequence number to take (all when omitted).</param>
    public FoldBatch? Prepare(long through = long.MaxValue)
    {
        var from = FoldedThrough;
        var fresh = ReadFreshCounters(from, through);
        var count = (long)fresh["interactions"];
        if (count == 0)
        {
            return null;
        }

        var lastSeq = (long)fresh["last_seq"];
        var firstSeq = (long)fresh["first_seq"];
        fresh.Remove("last_seq");
        fresh.Remove("first_seq");

        var totals = ReadTotals();
        foreach (var (name, value) in fresh)
        {
            totals[name] = totals.GetValueOrDefault(name) + value;
        }

        return new FoldBatch(from, firstSeq, lastSeq, count, totals);
    }

    /// <summary>
    /// Commits a prepared fold: the new totals, the watermark, the transition counts up to it and a line in the
    /// fold log with the preference direction the fold wrote, in one transaction.
    /// </summary>
    /// <exception cref="InvalidOperationException">The watermark moved since <paramref name="batch"/> was prepared.</exception>
    public void Commit(FoldBatch batch, DateTimeOffset stamp, string? fragment, int features, float[]? direction)
    {
        if (FoldedThrough != batch.FromSeq)
        {
            throw new InvalidOperationException("the fold watermark moved since the fold was prepared");
        }

        using var transaction = _db.BeginTransaction();
        try
        {
            WriteTotals(batch.Totals);
            _transitions.AdvanceTo(batch.ToSeq);
            _watermarks.Write(FoldWatermarks.Folded, batch.ToSeq);
            using (var log = _db.Prepare(LogSql))
            {
                AnalyticsDatabase.Bind(log, "stamp", stamp.UtcDateTime);
                AnalyticsDatabase.Bind(log, "from", batch.FirstSeq);
                AnalyticsDatabase.Bind(log, "to", batch.ToSeq);
                AnalyticsDatabase.Bind(log, "n", batch.Interactions);
                AnalyticsDatabase.Bind(log, "fragment", fragment);
                AnalyticsDatabase.Bind(log, "features", features);
                AnalyticsDatabase.Bind(log, "direction", direction is null ? null : DirectionBytes(direction));
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
    /// Every logged fold again, oldest first, with the running totals it wrote: the counters of the interactions up
    /// to each fold's watermark, added in the same order and with the same SQL as when it ran, so each fold's
    /// behaviour features come out exactly as the fold wrote them, and the preference direction it logged. Used to
    /// rebuild lost preference fragments.
    /// </summary>
    public IReadOnlyList<LoggedFold> Replay()
    {
        var logged = new List<(DateTimeOffset Stamp, long ToSeq, int Features, float[]? Direction)>();
        using (var command = _db.Prepare("SELECT stamp, to_seq, features, direction FROM folds ORDER BY fold_no"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                float[]? direction = null;
                if (!reader.IsDBNull(3))
                {
                    using var stream = reader.GetStream(3);
                    direction = DirectionFrom(stream);
                }

                logged.Add((new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc)), reader.GetInt64(1), reader.GetInt32(2), direction));
            }
        }

        var folds = new List<LoggedFold>(logged.Count);
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        var from = 0L;
        foreach (var (stamp, toSeq, features, direction) in logged)
        {
            var fresh = ReadFreshCounters(from, toSeq);
            fresh.Remove("last_seq");
            fresh.Remove("first_seq");
            foreach (var (name, value) in fresh)
            {
                totals[name] = totals.GetValueOrDefault(name) + value;
            }

            folds.Add(new LoggedFold(stamp, toSeq, features, new Dictionary<string, double>(totals, StringComparer.Ordinal), direction));
            from = toSeq;
        }

        return folds;
    }

    private Dictionary<string, double> ReadFreshCounters(long from, long to)
    {
        var fresh = new Dictionary<string, double>(StringComparer.Ordinal);
        using var command = _db.Prepare(BehaviourCounterSql.Sql);
        AnalyticsDatabase.Bind(command, "from", from);
        AnalyticsDatabase.Bind(command, "to", to);
        using var reader = command.ExecuteReader();
        reader.Read();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            fresh[reader.GetName(i)] = reader.IsDBNull(i) ? 0 : Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);
        }

        return fresh;
    }

    private Dictionary<string, double> ReadTotals()
    {
        using var command = _db.Prepare("SELECT name, value FROM fold_counters");
        using var reader = command.ExecuteReader();
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        while (reader.Read())
        {
            totals[reader.GetString(0)] = reader.GetDouble(1);
        }

        return totals;
    }

    private void WriteTotals(IReadOnlyDictionary<string, double> totals)
    {
        _db.Execute("DELETE FROM fold_counters");
        using var counters = _db.CreateAppender("fold_counters");
        foreach (var (name, value) in totals)
        {
            counters.CreateRow().AppendValue(name).AppendValue(value).EndRow();
        }
    }

    /// <summary>The logged form of a direction: its float32 values as little-endian bytes, so it reads back bit for bit.</summary>
    private static byte[] DirectionBytes(float[] direction)
    {
        var bytes = new byte[direction.Length * sizeof(float)];
        for (var i = 0; i < direction.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), direction[i]);
        }

        return bytes;
    }

    private static float[] DirectionFrom(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.GetBuffer().AsSpan(0, (int)copy.Length);
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new InvalidDataException($"folds.direction: a logged direction is {bytes.Length} bytes, not four per value");
        }

        var direction = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < direction.Length; i++)
        {
            direction[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return direction;
    }
}
