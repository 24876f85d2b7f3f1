using DuckDB.NET.Data;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// Biometric samples are not journal events and live in their own file (ADR 0015): a rebuild of the analytics
/// projection keeps them, an export carries them and a restore loads them back with their original times.
/// </summary>
public sealed class BiometricDurabilitySpecs : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private string Sub(string name) => Path.Combine(_data.Path, name);

    private static List<BiometricSample> Samples(string user, int count) =>
        Enumerable.Range(0, count)
            .Select(i => new BiometricSample(Start.AddSeconds(i * 1.5), user, (i % 10) / 10.0, (i % 7) / 7.0, (i % 5) / 4.0))
            .ToList();

    /// <summary>The samples on disk, read straight from the file (timestamps as stored, UTC).</summary>
    private static List<(DateTime Timestamp, string User, double Hrv, double Attention, double Flow)> OnDisk(string learnerFolder)
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(learnerFolder, BiometricSeries.FileName)}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT timestamp, user_id, hrv, attention_score, flow_state FROM biometrics ORDER BY timestamp";
        using var reader = command.ExecuteReader();
        var rows = new List<(DateTime, string, double, double, double)>();
        while (reader.Read())
        {
            rows.Add((reader.GetDateTime(0), reader.GetString(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4)));
        }

        return rows;
    }

    private static List<(DateTime, string, double, double, double)> Expected(IEnumerable<BiometricSample> samples) =>
        samples.Select(s => (s.Timestamp.UtcDateTime, s.UserId, s.Hrv, s.AttentionScore, s.FlowState)).ToList();

    [Fact]
    public void Samples_survive_deleting_the_analytics_file()
    {
        var folder = Sub("learner");
        var samples = Samples("maya", 500);
        FlowStateAverage before;
        using (var store = AnalyticsStore.Open(folder))
        {
            store.AppendBiometrics(samples);
            before = store.AverageFlowState(TimeSpan.FromMinutes(5), Start.AddMinutes(10));
        }

        File.Delete(Path.Combine(folder, AnalyticsStore.FileName));

        using (var rebuilt = AnalyticsStore.Open(folder))
        {
            rebuilt.Checkpoint.Should().Be(0, "the projection starts again from the journal");
            rebuilt.TableCounts()["biometrics"].Should().Be(500);
            rebuilt.AverageFlowState(TimeSpan.FromMinutes(5), Start.AddMinutes(10)).Should().Be(before);
        }

        OnDisk(folder).Should().Equal(Expected(samples));
    }

    [Fact]
    public void Samples_an_older_store_kept_in_the_analytics_file_move_to_their_own_file_once()
    {
        var folder = Sub("learner");
        Directory.CreateDirectory(folder);
        var samples = Samples("maya", 20);
        using (var old = new DuckDBConnection($"Data Source={Path.Combine(folder, AnalyticsStore.FileName)}"))
        {
            // The table as stores before ADR 0015 had it, inside analytics.duckdb, with samples out of time order.
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = BiometricSeries.Schema + string.Join(";", samples.AsEnumerable().Reverse().Select(s =>
                FormattableString.Invariant($"INSERT INTO biometrics VALUES ('{s.Timestamp.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}', 'maya', {s.Hrv}, {s.AttentionScore}, {s.FlowState})")));
            command.ExecuteNonQuery();
        }

        using (var store = AnalyticsStore.Open(folder))
        {
            store.TableCounts()["biometrics"].Should().Be(20);
        }

        using (var again = AnalyticsStore.Open(folder))
        {
            again.TableCounts()["biometrics"].Should().Be(20, "the move happens once");
        }

        OnDisk(folder).Should().Equal(Expected(samples));
        using var analytics = new DuckDBConnection($"Data Source={Path.Combine(folder, AnalyticsStore.FileName)}");
        analytics.Open();
        using var tables = analytics.CreateCommand();
        tables.CommandText = "SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = 'biometrics'";
        Convert.ToInt64(tables.ExecuteScalar()).Should().Be(0, "the old table is gone from the analytics file");
    }

    [Fact]
    public async Task A_learner_rebuilt_from_the_journal_still_has_its_samples()
    {
        var data = Sub("data");
        var samples = Samples("cy", 300);
        await using (var tree = ActorTree.Start(data))
        {
            await tree.RecordAsync("cy", "install firefox", at: Start);
            (await tree.AskAsync<BiometricsRecorded>(new RecordBiometrics("cy", samples))).Count.Should().Be(300);
        }

        var learner = Path.Combine(data, "users", "cy", "learner");
        File.Delete(Path.Combine(learner, AnalyticsStore.FileName));

        await using (var tree = ActorTree.Start(data))
        {
            var counts = await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("cy"));
            counts.Tables["interactions"].Should().Be(1, "the projection was rebuilt from the journal");
            counts.Tables["biometrics"].Should().Be(300, "the samples are not part of the projection");
        }

        OnDisk(learner).Should().Equal(Expected(samples));
    }

    [Fact]
    public async Task An_export_restored_elsewhere_has_the_same_samples_at_their_original_times()
    {
        var samples = Samples("maya", 250);
        var export = Sub("export");
        await using (var tree = ActorTree.Start(Sub("original")))
        {
            await tree.RecordAsync("maya", "install firefox", at: Start);
            await tree.AskAsync<BiometricsRecorded>(new RecordBiometrics("maya", samples));
            var manifest = await tree.Client().ExportAsync("maya", export);
            manifest.Counts["biometricSamples"].Should().Be(250);
        }

        await using (var tree = ActorTree.Start(Sub("restored")))
        {
            await tree.Client().RestoreAsync("maya", export);
            var counts = await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("maya"));
            counts.Tables["biometrics"].Should().Be(250);

            // A second restore of the samples would duplicate them: refused, nothing added.
            var again = await tree.AskAsync(new RestoreBiometrics("maya", export));
            again.Should().BeOfType<CommandRejected>().Which.Field.Should().Be("biometrics");
            (await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("maya"))).Tables["biometrics"].Should().Be(250);
        }

        OnDisk(Path.Combine(Sub("restored"), "users", "maya", "learner")).Should().Equal(Expected(samples));
    }
}
