using System.Globalization;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The user's biometric time series: the <c>biometrics</c> table in its own file, <c>biometrics.duckdb</c> beside
/// <c>analytics.duckdb</c> (ADR 0015). Samples arrive at sensor rate and are not journal events, so this file is not a
/// projection: it is their only copy on the machine (an export carries them, a restore loads them back) and a rebuild
/// of the analytics projection never touches it. Stores written before that decision kept the table inside
/// <c>analytics.duckdb</c>; opening moves those samples here once (<see cref="BiometricsMove"/>).
/// </summary>
internal sealed class BiometricSeries : IDisposable
{
    /// <summary>The file name inside the learner's folder.</summary>
    public const string FileName = "biometrics.duckdb";

    /// <summary>The table name (also the export's file name).</summary>
    public const string Table = "biometrics";

    /// <summary>The table's definition (also used when moving samples out of an older analytics file).</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS biometrics (
            timestamp TIMESTAMP NOT NULL,
            user_id VARCHAR NOT NULL,
            hrv DOUBLE NOT NULL,
            attention_score DOUBLE NOT NULL,
            flow_state DOUBLE NOT NULL);
        """;

    private readonly AnalyticsDatabase _db;

    private BiometricSeries(AnalyticsDatabase db, BiometricsSetAside? setAside)
    {
        _db = db;
        SetAsideOnOpen = setAside;
    }

    /// <summary>The connection to <c>biometrics.duckdb</c> (export and counts).</summary>
    public AnalyticsDatabase Database => _db;

    /// <summary>What was found in place of the store and moved aside when it opened (its owner reports it); null when nothing was.</summary>
    public BiometricsSetAside? SetAsideOnOpen { get; }

    /// <summary>
    /// Opens (creating when missing) <c>biometrics.duckdb</c> in <paramref name="folder"/>, first moving any samples an
    /// older store kept in <paramref name="analytics"/>. What is found in the store's place but cannot be opened as a
    /// store — a pipe, device or socket (checked before opening: a FIFO blocks the open for ever), or a file DuckDB
    /// cannot read — is moved aside under a name that says so, never deleted, and an empty store is opened in its place
    /// (<see cref="SetAsideOnOpen"/>): the samples are not in the journal, so they cannot be rebuilt, but a damaged file
    /// must not keep the learner from starting; an export restores them.
    /// </summary>
    /// <param name="folder">The learner's folder.</param>
    /// <param name="analytics">The learner's analytics database.</param>
    /// <param name="clock">Stamps what is set aside.</param>
    /// <param name="movePastBiometrics">Whether <paramref name="analytics"/> may hold samples of an older store (false
    /// when its file was created now).</param>
    public static BiometricSeries Open(string folder, AnalyticsDatabase analytics, TimeProvider clock, bool movePastBiometrics = true)
    {
        var path = System.IO.Path.Combine(folder, FileName);
        var setAside = SetAsideIfNotAStore(path, clock);
        if (movePastBiometrics)
        {
            // Skipped for an analytics file created just now: the check reads the catalog of every file attached to
            // the shared instance (duckdb_tables()), so at 1,000 users it was a third of a new user's open.
            BiometricsMove.OutOf(analytics, path);
        }

        AnalyticsDatabase db;
        try
        {
            db = AnalyticsDatabase.Open(path, analytics.SharedInstanceFolder);
        }
        catch (Exception ex) when (StoreFaults.IsUnreadable(ex, path))
        {
            var at = clock.GetUtcNow();
            setAside = new BiometricsSetAside($"{FileName}: unreadable ({ex.Message.Split('\n')[0]})", SetAside.Move(path, "unreadable", at), at);
            db = AnalyticsDatabase.Open(path, analytics.SharedInstanceFolder);
        }

        try
        {
            db.Execute(Schema);
            return new BiometricSeries(db, setAside);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Moves a pipe, device or socket found as the store (or its write-ahead log) aside, unopened.</summary>
    private static BiometricsSetAside? SetAsideIfNotAStore(string path, TimeProvider clock)
    {
        foreach (var file in new[] { path, path + ".wal" })
        {
            if (InputFile.NonRegularKind(file) is { } found)
            {
                var at = clock.GetUtcNow();
                var aside = SetAside.Move(File.Exists(path) ? path : file, "unreadable", at);
                return new BiometricsSetAside($"{System.IO.Path.GetFileName(file)}: {found}, not a store file", aside, at);
            }
        }

        return null;
    }

    /// <summary>
    /// Loads the samples of an exported <c>biometrics.parquet</c> with their original times, as samples of
    /// <paramref name="userId"/>; returns how many. Refused (<c>biometrics</c>) when this person already has samples
    /// or a sample breaks the rules <see cref="Append"/> checks; then nothing is loaded.
    /// </summary>
    public long Restore(string parquetFile, string userId) => BiometricsRestore.Load(_db, parquetFile, userId);

    /// <summary>
    /// Checks every sample first (scores finite and in [0,1], a user id, a timestamp after 1970); the first bad
    /// one throws <see cref="InvalidInputException"/> naming the field and the sample's index, and nothing is
    /// appended. Then appends them all through DuckDB's appender.
    /// </summary>
    public void Append(IReadOnlyList<BiometricSample> samples)
    {
        for (var i = 0; i < samples.Count; i++)
        {
            BiometricRules.CheckSample(i, samples[i]);
        }

        if (samples.Count == 0)
        {
            return;
        }

        using var appender = _db.CreateAppender("biometrics");
        foreach (var sample in samples)
        {
            appender.CreateRow()
                .AppendValue(sample.Timestamp.UtcDateTime)
                .AppendValue(sample.UserId)
                .AppendValue(sample.Hrv)
                .AppendValue(sample.AttentionScore)
                .AppendValue(sample.FlowState)
                .EndRow();
        }
    }

    /// <summary>The average <c>flow_state</c> of the samples with <c>now - window &lt; timestamp ≤ now</c>.</summary>
    public FlowStateAverage AverageFlowState(TimeSpan window, DateTimeOffset now)
    {
        if (window <= TimeSpan.Zero)
        {
            throw Reject("window", $"must be positive (was {window})");
        }

        var from = now - window;
        using var command = _db.Prepare("SELECT AVG(flow_state), COUNT(*) FROM biometrics WHERE timestamp > $from AND timestamp <= $to");
        AnalyticsDatabase.Bind(command, "from", from.UtcDateTime);
        AnalyticsDatabase.Bind(command, "to", now.UtcDateTime);
        using var reader = command.ExecuteReader();
        reader.Read();
        var average = reader.IsDBNull(0) ? (double?)null : reader.GetDouble(0);
        return new FlowStateAverage(average, reader.GetInt64(1), from, now);
    }

    private static InvalidInputException Reject(string field, string rule) => new(new CommandRejected(field, rule));

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();
}
