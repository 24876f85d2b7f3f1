using DuckDB.NET.Data;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

public sealed class AnalyticsStoreSpecs : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static InteractionRecorded Interaction(string session, DateTimeOffset at, double computed, double? supplied = null, double? hrv = null,
        string? command = null, InteractionOutcome outcome = InteractionOutcome.Unknown, string user = "maya") =>
        new(Guid.NewGuid().ToString("N"), user, session, "text", command, null, null, outcome, supplied, hrv, null, computed, at);

    private static List<JournaledSessionEvent> Numbered(params ISessionEvent[] events) =>
        events.Select((e, i) => new JournaledSessionEvent(i + 1, e)).ToList();

    [Fact]
    public void Flow_query_matches_a_hand_computed_example()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        store.ApplyBatch(Numbered(
            Interaction("a", Monday, 0.8),
            Interaction("a", Monday.AddMinutes(5), 0.9, hrv: 0.6),
            Interaction("a", Monday.AddMinutes(10), 0.5, hrv: 0.99),          // not in flow: its coherence does not count
            Interaction("a", Monday.AddMinutes(20), 0.2, supplied: 0.75, hrv: 0.8), // supplied score wins
            Interaction("a", Monday.AddMinutes(30), 0.95, supplied: 0.3),      // supplied score wins: not in flow
            Interaction("b", Monday.AddHours(2), 0.95, hrv: 0.7)));

        var result = store.FlowSessions();

        result.Columns.Should().Equal("user_id", "avg_flow_duration", "peak_coherence");
        result.Rows.Should().ContainSingle();
        var row = result.Rows[0];
        row["user_id"].Should().Be("maya");
        // Session a: 10:00 → 10:20 = 1200 s; session b: one interaction = 0 s; average 600 s.
        ((double)row["avg_flow_duration"]!).Should().BeApproximately(600, 1e-9);
        // Coherence per session (AVG, as the strategy): a (0.6 + 0.8) / 2 = 0.7; b 0.7 → peak 0.7.
        ((double)row["peak_coherence"]!).Should().BeApproximately(0.7, 1e-12);
    }

    [Fact]
    public void Learning_curve_matches_a_hand_computed_example()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        store.ApplyBatch(Numbered(
            Interaction("a", Monday, 0.1, command: "ls", outcome: InteractionOutcome.Success),           // ls 1/1
            Interaction("a", Monday.AddHours(1), 0.1, command: "ls", outcome: InteractionOutcome.Failure), // ls 1/2
            Interaction("a", Monday.AddDays(6), 0.1, command: "git", outcome: InteractionOutcome.Failure), // git 0/1 (Sunday)
            Interaction("a", Monday.AddDays(7), 0.1, command: "ls", outcome: InteractionOutcome.Success),  // ls 2/3, next week
            Interaction("a", Monday.AddDays(8), 0.1, command: "ls", outcome: InteractionOutcome.Unknown),  // not an attempt
            Interaction("a", Monday.AddDays(8), 0.1, command: null, outcome: InteractionOutcome.Success))); // not an attempt

        var result = store.LearningCurve();

        result.Columns.Should().Equal("week", "mastery");
        result.Rows.Select(r => r["week"]).Should().Equal(
            new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero));
        ((double)result.Rows[0]["mastery"]!).Should().BeApproximately(0.5, 1e-12);        // (1 + 0.5 + 0) / 3
        ((double)result.Rows[1]["mastery"]!).Should().BeApproximately(2.0 / 3.0, 1e-12);
        store.TableCounts()["command_attempts"].Should().Be(4);
    }

    [Fact]
    public void Interruptions_match_a_hand_computed_example()
    {
        var t = Monday;
        using var store = AnalyticsStore.Open(_temp.Path);
        store.ApplyBatch(Numbered(
            new NotificationDelivered("n0", "mail", t.AddMinutes(-1)),      // before any flow: not counted
            new FlowStarted(0.8, t),
            new NotificationDeferred("n1", "update", t.AddMinutes(1)),
            new NotificationDeferred("n2", "update", t.AddMinutes(2)),
            new FlowEnded(0.3, "score", t, t.AddMinutes(3)),
            new NotificationReleased("n1", "update", t.AddMinutes(1), t.AddMinutes(3)),
            new NotificationReleased("n2", "update", t.AddMinutes(2), t.AddMinutes(3)),
            new NotificationDelivered("n3", "mail", t.AddMinutes(4)),       // between periods: not counted
            new FlowStarted(0.8, t.AddHours(1)),
            new NotificationDeferred("n4", "update", t.AddHours(1))));      // same instant, journaled after the start

        var result = store.Interruptions();

        result.Columns.Should().Equal("flow_start", "flow_end", "interruptions");
        result.Rows.Should().HaveCount(2);
        result.Rows[0]["flow_start"].Should().Be(t);
        result.Rows[0]["flow_end"].Should().Be(t.AddMinutes(3));
        result.Rows[0]["interruptions"].Should().Be(2L);
        result.Rows[1]["flow_start"].Should().Be(t.AddHours(1));
        result.Rows[1]["flow_end"].Should().BeNull();
        result.Rows[1]["interruptions"].Should().Be(1L);
    }

    [Fact]
    public void A_flow_period_open_when_the_store_closes_continues_after_reopening()
    {
        var t = Monday;
        using (var store = AnalyticsStore.Open(_temp.Path))
        {
            store.ApplyBatch(Numbered(
                new FlowStarted(0.8, t),
                new FlowEnded(0.3, "idle", t, t.AddMinutes(1)),
                new FlowStarted(0.8, t.AddMinutes(2)),
                new NotificationDeferred("n1", "update", t.AddMinutes(3))));
        }

        using (var store = AnalyticsStore.Open(_temp.Path))
        {
            store.Apply(5, new NotificationDeferred("n2", "update", t.AddMinutes(4)));
            store.Apply(6, new FlowEnded(0.3, "score", t.AddMinutes(2), t.AddMinutes(5)));
            store.Apply(7, new NotificationDelivered("n3", "mail", t.AddMinutes(6)));
            store.Apply(8, new FlowStarted(0.8, t.AddMinutes(7)));

            store.Interruptions().Rows.Select(r => ((DateTimeOffset)r["flow_start"]!, (DateTimeOffset?)r["flow_end"], (long)r["interruptions"]!))
                .Should().Equal((t, t.AddMinutes(1), 0L), (t.AddMinutes(2), t.AddMinutes(5), 2L), (t.AddMinutes(7), null, 0L));
        }
    }

    [Fact]
    public void The_three_queries_agree_with_linq_on_a_seeded_journal()
    {
        var journal = AnalyticsFixture.Journal("maya", seed: 7);
        using var store = AnalyticsStore.Open(_temp.Path);
        // Mixed batch sizes, so both paths and batch boundaries are exercised.
        store.Apply(journal[0].SequenceNr, journal[0].Event).Should().BeTrue();
        foreach (var chunk in journal.Skip(1).Chunk(97))
        {
            store.ApplyBatch(chunk);
        }

        AssertQueriesMatch(store, journal);
    }

    [Fact]
    public void Replaying_the_journal_is_exactly_once_and_survives_a_reopen()
    {
        var journal = AnalyticsFixture.Journal("maya", seed: 11, interactions: 200);
        using (var store = AnalyticsStore.Open(_temp.Path))
        {
            store.ApplyBatch(journal.Take(150).ToList()).Should().Be(150);
            store.Checkpoint.Should().Be(150);
        }

        using (var store = AnalyticsStore.Open(_temp.Path))
        {
            store.Checkpoint.Should().Be(150);
            var before = store.TableCounts();

            // The owner restarts and replays from an older position: the overlap is skipped.
            store.Apply(150, journal[149].Event).Should().BeFalse();
            store.Apply(3, journal[2].Event).Should().BeFalse();
            store.TableCounts().Should().Equal(before);

            store.ApplyBatch(journal.Skip(100).ToList()).Should().Be(journal.Count - 150);
            store.Checkpoint.Should().Be(journal[^1].SequenceNr);
            AssertQueriesMatch(store, journal);
            store.TableCounts()["interactions"].Should().Be(200);
        }
    }

    [Fact]
    public void Deleting_the_file_and_replaying_rebuilds_identical_answers()
    {
        var journal = AnalyticsFixture.Journal("maya", seed: 3, interactions: 300);
        QueryResult[] first;
        using (var store = AnalyticsStore.Open(_temp.Path))
        {
            store.ApplyBatch(journal);
            first = [store.FlowSessions(), store.LearningCurve(), store.Interruptions()];
        }

        File.Delete(Path.Combine(_temp.Path, AnalyticsStore.FileName));
        foreach (var wal in Directory.GetFiles(_temp.Path, "*.wal"))
        {
            File.Delete(wal);
        }

        using (var store = AnalyticsStore.Open(_temp.Path))
        {
            store.Checkpoint.Should().Be(0);
            foreach (var entry in journal)
            {
                store.Apply(entry.SequenceNr, entry.Event);
            }

            var second = new[] { store.FlowSessions(), store.LearningCurve(), store.Interruptions() };
            for (var i = 0; i < first.Length; i++)
            {
                second[i].Rows.Should().BeEquivalentTo(first[i].Rows, o => o.WithStrictOrdering());
            }
        }
    }

    [Fact]
    public void A_batch_with_decreasing_sequence_numbers_is_rejected_and_applies_nothing()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        var act = () => store.ApplyBatch([
            new JournaledSessionEvent(1, Interaction("a", Monday, 0.9)),
            new JournaledSessionEvent(3, Interaction("a", Monday, 0.9)),
            new JournaledSessionEvent(2, Interaction("a", Monday, 0.9))]);

        act.Should().Throw<ArgumentException>().WithMessage("*increase*");
        store.Checkpoint.Should().Be(0);
        store.TableCounts()["interactions"].Should().Be(0);
    }

    [Fact]
    public void A_failed_batch_rolls_back_rows_checkpoint_and_running_rates()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        store.Apply(1, Interaction("a", Monday, 0.1, command: "ls", outcome: InteractionOutcome.Success));

        // A null session id violates NOT NULL in the middle of the batch, after an attempt of "ls" was written.
        var broken = Interaction("a", Monday, 0.1) with { SessionId = null! };
        var act = () => store.ApplyBatch([
            new JournaledSessionEvent(2, Interaction("a", Monday.AddMinutes(1), 0.1, command: "ls", outcome: InteractionOutcome.Failure)),
            new JournaledSessionEvent(3, broken)]);
        act.Should().Throw<Exception>();

        store.Checkpoint.Should().Be(1);
        store.TableCounts()["interactions"].Should().Be(1);
        store.Apply(2, Interaction("a", Monday.AddMinutes(1), 0.1, command: "ls", outcome: InteractionOutcome.Success)).Should().BeTrue();
        // ls: 1/1 then 2/2 — the rolled-back failure left no trace in the running rate.
        ((double)store.LearningCurve().Rows.Single()["mastery"]!).Should().BeApproximately(1.0, 1e-12);
    }

    [Fact]
    public void Flow_results_of_several_users_merge_into_one_list_matching_linq()
    {
        var mayaJournal = AnalyticsFixture.Journal("maya", seed: 21, interactions: 250);
        var roseJournal = AnalyticsFixture.Journal("rose", seed: 22, interactions: 250);
        using var maya = AnalyticsStore.Open(Path.Combine(_temp.Path, "maya"));
        using var rose = AnalyticsStore.Open(Path.Combine(_temp.Path, "rose"));
        maya.ApplyBatch(mayaJournal);
        rose.ApplyBatch(roseJournal);

        var merged = AnalyticsQueries.MergeFlow([rose.FlowSessions(), maya.FlowSessions()]);

        var expected = AnalyticsFixture.ExpectedFlow(mayaJournal.Concat(roseJournal));
        merged.Rows.Select(r => r["user_id"]).Should().Equal("maya", "rose");
        for (var i = 0; i < expected.Count; i++)
        {
            ((double)merged.Rows[i]["avg_flow_duration"]!).Should().BeApproximately(expected[i].AvgDuration, 1e-6);
            ((double?)merged.Rows[i]["peak_coherence"]).Should().BeApproximately(expected[i].Peak, 1e-12);
        }

        var twice = () => AnalyticsQueries.MergeFlow([maya.FlowSessions(), maya.FlowSessions()]);
        twice.Should().Throw<ArgumentException>().WithMessage("*maya*more than one*");
        var wrongKind = () => AnalyticsQueries.MergeFlow([maya.LearningCurve()]);
        wrongKind.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("flow", AnalyticsQuery.Flow)]
    [InlineData(" Learning ", AnalyticsQuery.Learning)]
    [InlineData("INTERRUPTIONS", AnalyticsQuery.Interruptions)]
    public void Query_names_parse(string name, AnalyticsQuery expected) => AnalyticsQueries.Parse(name).Should().Be(expected);

    [Theory]
    [InlineData("flows")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_query_names_are_rejected_with_the_allowed_names(string? name)
    {
        var act = () => AnalyticsQueries.Parse(name);
        act.Should().Throw<InvalidInputException>().Which.Rejection.Should().Be(new CommandRejected("query", $"{AnalyticsQueries.Rule} (was '{name}')"));
    }

    [Fact]
    public void Biometric_samples_append_and_average_over_a_window_like_linq()
    {
        var rng = new Random(5);
        var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var samples = Enumerable.Range(0, 5000)
            .Select(i => new BiometricSample(start.AddSeconds(i * 2), "maya", rng.NextDouble(), rng.NextDouble(), rng.NextDouble()))
            .ToList();
        using var store = AnalyticsStore.Open(_temp.Path);
        store.AppendBiometrics(samples.Take(2000).ToList());
        store.AppendBiometrics(samples.Skip(2000).ToList());

        var now = start.AddSeconds(9000);
        var average = store.AverageFlowState(TimeSpan.FromHours(1), now);

        var inWindow = samples.Where(s => s.Timestamp > now.AddHours(-1) && s.Timestamp <= now).ToList();
        average.Samples.Should().Be(inWindow.Count).And.Be(1800);
        average.Average.Should().BeApproximately(inWindow.Average(s => s.FlowState), 1e-9);
        store.AverageFlowState(TimeSpan.FromHours(1), start.AddDays(-1)).Should().Be(
            new FlowStateAverage(null, 0, start.AddDays(-1).AddHours(-1), start.AddDays(-1)));
        store.TableCounts()["biometrics"].Should().Be(5000);
    }

    [Theory]
    [InlineData(double.NaN, 0.5, 0.5, "samples[2].hrv")]
    [InlineData(0.5, double.PositiveInfinity, 0.5, "samples[2].attentionScore")]
    [InlineData(0.5, 0.5, 1.0001, "samples[2].flowState")]
    [InlineData(0.5, 0.5, -0.1, "samples[2].flowState")]
    public void A_bad_biometric_sample_names_field_and_index_and_nothing_is_appended(double hrv, double attention, double flow, string field)
    {
        var t = Monday;
        using var store = AnalyticsStore.Open(_temp.Path);
        var act = () => store.AppendBiometrics([
            new BiometricSample(t, "maya", 0.5, 0.5, 0.5),
            new BiometricSample(t.AddSeconds(1), "maya", 0.5, 0.5, 0.5),
            new BiometricSample(t.AddSeconds(2), "maya", hrv, attention, flow),
            new BiometricSample(t.AddSeconds(3), "maya", 0.5, 0.5, 0.5)]);

        act.Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be(field);
        store.TableCounts()["biometrics"].Should().Be(0);
    }

    [Fact]
    public void Biometric_samples_need_a_valid_user_id_and_a_positive_window()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        var badUser = () => store.AppendBiometrics([new BiometricSample(Monday, "../etc", 0.5, 0.5, 0.5)]);
        badUser.Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("samples[0].userId");
        var badWindow = () => store.AverageFlowState(TimeSpan.Zero, Monday);
        badWindow.Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("window");
    }

    [Fact]
    public void Tables_have_the_strategys_column_names()
    {
        using (var store = AnalyticsStore.Open(_temp.Path))
        {
            store.Apply(1, Interaction("a", Monday, 0.5));
        }

        // The biometric samples have their own file (ADR 0015); the other tables are in analytics.duckdb.
        var columns = new HashSet<string>();
        foreach (var file in new[] { AnalyticsStore.FileName, BiometricSeries.FileName })
        {
            using var connection = new DuckDBConnection($"Data Source={Path.Combine(_temp.Path, file)}");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT table_name, column_name FROM information_schema.columns";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                columns.Add($"{reader.GetString(0)}.{reader.GetString(1)}");
            }
        }

        columns.Should().Contain([
            "interactions.session_id", "interactions.user_id", "interactions.hrv_coherence", "interactions.command_type",
            "interactions.timestamp", "interactions.flow_score", "interactions.text", "interactions.command",
            "interactions.intent", "interactions.outcome", "interactions.interaction_id",
            "command_attempts.timestamp", "command_attempts.command", "command_attempts.success", "command_attempts.success_rate",
            "events.type", "events.timestamp",
            "biometrics.timestamp", "biometrics.user_id", "biometrics.hrv", "biometrics.attention_score", "biometrics.flow_state",
            "checkpoint.sequence_nr"]);
    }

    private static void AssertQueriesMatch(AnalyticsStore store, List<JournaledSessionEvent> journal)
    {
        var flow = store.FlowSessions();
        var expectedFlow = AnalyticsFixture.ExpectedFlow(journal);
        expectedFlow.Should().NotBeEmpty();
        flow.Rows.Should().HaveCount(expectedFlow.Count);
        for (var i = 0; i < expectedFlow.Count; i++)
        {
            flow.Rows[i]["user_id"].Should().Be(expectedFlow[i].UserId);
            ((double)flow.Rows[i]["avg_flow_duration"]!).Should().BeApproximately(expectedFlow[i].AvgDuration, 1e-6);
            ((double?)flow.Rows[i]["peak_coherence"]).Should().BeApproximately(expectedFlow[i].Peak, 1e-12);
        }

        var learning = store.LearningCurve();
        var expectedLearning = AnalyticsFixture.ExpectedLearning(journal);
        expectedLearning.Should().HaveCountGreaterThan(1);
        learning.Rows.Select(r => r["week"]).Should().Equal(expectedLearning.Select(e => (object)e.Week));
        for (var i = 0; i < expectedLearning.Count; i++)
        {
            ((double)learning.Rows[i]["mastery"]!).Should().BeApproximately(expectedLearning[i].Mastery, 1e-9);
        }

        var interruptions = store.Interruptions();
        var expectedInterruptions = AnalyticsFixture.ExpectedInterruptions(journal);
        expectedInterruptions.Should().HaveCountGreaterThan(5);
        expectedInterruptions.Sum(p => p.Interruptions).Should().BePositive();
        interruptions.Rows.Select(r => ((DateTimeOffset)r["flow_start"]!, (DateTimeOffset?)r["flow_end"], (long)r["interruptions"]!))
            .Should().Equal(expectedInterruptions);
    }
}
