using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using DuckDB.NET.Data;
using NixHumanity.Actors.Infrastructure.Serialization;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// The typed rows of the three queries (docs/adr/0034): read straight from DuckDB, they hold what the strategy's SQL
/// gives when run raw on the same file; the rows by column name computed from them print the same JSON as the
/// dictionaries of plain values the results held before; they cross the cluster wire typed; and the client's typed
/// calls answer the same rows as its by-name calls, for one person and for every person.
/// </summary>
public sealed class TypedQueryRowsSpecs : IDisposable
{
    // The CLI's JSON options (CliOutput): what `nixh query --json` and the serve protocol print.
    private static readonly JsonSerializerOptions CliJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Commands = ["nix-env -iA nixpkgs.firefox", "nixos-rebuild switch", "nix search vim"];

    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private (IReadOnlyList<FlowRow> Flow, IReadOnlyList<LearningCurveRow> Learning, IReadOnlyList<InterruptionRow> Interruptions, QueryResult[] ByName) Filled()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        store.ApplyBatch(AnalyticsFixture.Journal("maya", seed: 5, interactions: 400));
        return (store.FlowRows(), store.LearningCurveRows("maya"), store.InterruptionRows("maya"),
            [store.FlowSessions(), store.LearningCurve(), store.Interruptions()]);
    }

    /// <summary>The strategy's SQL on a plain DuckDB connection to the store's file: every cell as DuckDB.NET boxes it.</summary>
    private List<object?[]> Raw(string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(_temp.Path, AnalyticsStore.FileName)}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static DateTimeOffset Utc(object? timestamp) => new(DateTime.SpecifyKind((DateTime)timestamp!, DateTimeKind.Utc));

    [Fact]
    public void Typed_rows_hold_what_the_strategy_sql_gives_when_run_raw_on_the_same_file()
    {
        var (flow, learning, interruptions, _) = Filled();
        var rawFlow = Raw(StrategyQueries.FlowSql);
        var rawLearning = Raw(StrategyQueries.LearningSql);
        var rawInterruptions = Raw(StrategyQueries.InterruptionsSql);

        rawFlow.Should().ContainSingle();
        rawLearning.Should().HaveCountGreaterThan(1);
        rawInterruptions.Should().HaveCountGreaterThan(5);
        rawInterruptions.Should().Contain(r => (long)r[2]! > 0, "the fixture has interrupted periods");
        // The typed getters read the types DuckDB gives: a string and doubles, a TIMESTAMP and a double, two TIMESTAMPs and a BIGINT.
        rawFlow[0].Select(v => v?.GetType()).Should().Equal(typeof(string), typeof(double), typeof(double));
        rawLearning.Should().OnlyContain(r => r[0] is DateTime && r[1] is double);
        rawInterruptions.Should().OnlyContain(r => r[0] is DateTime && (r[1] == null || r[1] is DateTime) && r[2] is long);

        flow.Should().Equal(rawFlow.Select(r => new FlowRow((string)r[0]!, (double)r[1]!, (double?)r[2])));
        learning.Should().Equal(rawLearning.Select(r => new LearningCurveRow("maya", Utc(r[0]), (double)r[1]!)));
        interruptions.Should().Equal(rawInterruptions.Select(r => new InterruptionRow("maya", Utc(r[0]), r[1] is null ? null : Utc(r[1]), (long)r[2]!)));
        learning.Should().OnlyContain(r => r.Week.Offset == TimeSpan.Zero);
    }

    [Fact]
    public void Rows_by_name_print_the_same_json_as_the_dictionaries_of_plain_values_they_replace()
    {
        var (_, _, _, byName) = Filled();
        var queries = new[] { StrategyQueries.FlowSql, StrategyQueries.LearningSql, StrategyQueries.InterruptionsSql };
        var columns = new[] { StrategyQueries.FlowColumns, StrategyQueries.LearningColumns, StrategyQueries.InterruptionColumns };

        for (var q = 0; q < queries.Length; q++)
        {
            // What the store built before the typed rows: a dictionary per row, timestamps as UTC DateTimeOffsets.
            var dictionaries = Raw(queries[q])
                .Select(r => (IReadOnlyDictionary<string, object?>)columns[q]
                    .Select((column, i) => (column, value: r[i] is DateTime ? (object)Utc(r[i]) : r[i]))
                    .ToDictionary(c => c.column, c => c.value, StringComparer.Ordinal))
                .ToList();

            byName[q].Columns.Should().Equal(columns[q]);
            byName[q].Rows.Should().HaveCount(dictionaries.Count);
            JsonSerializer.Serialize(new { query = "q", rows = byName[q].Rows }, CliJson)
                .Should().Be(JsonSerializer.Serialize(new { query = "q", rows = (IReadOnlyList<IReadOnlyDictionary<string, object?>>)dictionaries }, CliJson));
            byName[q].Rows.Should().BeEquivalentTo(dictionaries, o => o.WithStrictOrdering());
        }
    }

    [Fact]
    public void A_row_by_name_is_read_only_in_column_order_and_names_a_column_the_query_does_not_have()
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        var single = QueryResult.Of([new InterruptionRow("maya", at, null, 3)], withUser: false);
        var everyone = QueryResult.Of([new InterruptionRow("maya", at, at.AddMinutes(5), 2)], withUser: true);

        var row = single.Rows.Should().ContainSingle().Subject;
        row.Should().Equal(new Dictionary<string, object?> { ["flow_start"] = at, ["flow_end"] = null, ["interruptions"] = 3L });
        row.Keys.Should().Equal("flow_start", "flow_end", "interruptions");
        row.ContainsKey("user_id").Should().BeFalse("one person's result has no user_id column");
        row.TryGetValue("user_id", out _).Should().BeFalse();
        FluentActions.Invoking(() => row["nope"]).Should().Throw<KeyNotFoundException>().WithMessage("*nope*");
        var asDictionary = row.Should().BeAssignableTo<IDictionary<string, object?>>().Subject;
        FluentActions.Invoking(() => asDictionary["interruptions"] = 4L).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => asDictionary.Add("x", 1)).Should().Throw<NotSupportedException>();
        asDictionary.IsReadOnly.Should().BeTrue();

        everyone.Columns.Should().Equal("user_id", "flow_start", "flow_end", "interruptions");
        everyone.Rows[0].Select(c => c.Key).Should().Equal(everyone.Columns);
        everyone.Rows[0]["user_id"].Should().Be("maya");
        everyone.Rows[0]["flow_end"].Should().Be(at.AddMinutes(5));
    }

    [Fact]
    public async Task Analytics_rows_cross_the_cluster_wire_as_typed_rows()
    {
        var (flow, learning, interruptions, _) = Filled();
        var system = ActorSystem.Create("wire");
        try
        {
            var wire = new NixHumanityWireSerializer((ExtendedActorSystem)system);
            foreach (var sent in new[]
            {
                new AnalyticsRows("maya", AnalyticsQuery.Flow, flow, [], []),
                new AnalyticsRows("maya", AnalyticsQuery.Learning, [], learning, []),
                new AnalyticsRows("maya", AnalyticsQuery.Interruptions, [], [], interruptions),
            })
            {
                var received = (AnalyticsRows)wire.FromBinary(wire.ToBinary(sent), wire.Manifest(sent));

                received.Query.Should().Be(sent.Query);
                received.Flow.Should().Equal(sent.Flow);
                received.LearningCurve.Should().Equal(sent.LearningCurve);
                received.Interruptions.Should().Equal(sent.Interruptions);
                JsonSerializer.Serialize(received.Result.Rows, CliJson).Should().Be(JsonSerializer.Serialize(sent.Result.Rows, CliJson));
            }
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void Flow_results_built_by_hand_merge_like_the_typed_rows()
    {
        FlowRow[] a = [new("bo", 30, null)];
        FlowRow[] b = [new("al", 60, 0.5)];
        var byHand = new QueryResult(AnalyticsQuery.Flow, StrategyQueries.FlowColumns,
            [new Dictionary<string, object?> { ["user_id"] = "bo", ["avg_flow_duration"] = 30.0, ["peak_coherence"] = null }]);

        AnalyticsQueries.MergeFlow([a, b]).Should().Equal(b[0], a[0]);
        AnalyticsQueries.MergeFlow([byHand, QueryResult.Of(b)]).Rows.Should().BeEquivalentTo(QueryResult.Of([b[0], a[0]]).Rows, o => o.WithStrictOrdering());
        FluentActions.Invoking(() => AnalyticsQueries.MergeFlow([a, a])).Should().Throw<ArgumentException>().WithMessage("*'bo'*more than one*");
        FluentActions.Invoking(() => AnalyticsQueries.MergeFlow([QueryResult.Of(Array.Empty<InterruptionRow>(), withUser: false) with { Query = AnalyticsQuery.Learning }]))
            .Should().Throw<ArgumentException>().WithMessage("*only flow results*");
    }

    [Fact]
    public async Task The_clients_typed_calls_answer_the_rows_its_by_name_calls_print_for_one_person_and_for_everyone()
    {
        await using var tree = ActorTree.Start(_temp.Path, o => o.FoldInterval = TimeSpan.FromHours(1));
        await RecordHistoryAsync(tree, "bo", seed: 11);
        await RecordHistoryAsync(tree, "al", seed: 12);
        var client = tree.Client();

        foreach (var user in new string?[] { "al", null })
        {
            var flow = await client.QueryFlowAsync(user);
            var learning = await client.QueryLearningCurveAsync(user);
            var interruptions = await client.QueryInterruptionsAsync(user);

            flow.Should().NotBeEmpty();
            learning.Should().NotBeEmpty();
            interruptions.Should().NotBeEmpty();
            var users = user is null ? new[] { "al", "bo" } : [user];
            flow.Select(r => r.UserId).Should().Equal(users);
            learning.Select(r => r.UserId).Distinct().Should().Equal(users);
            interruptions.Select(r => r.UserId).Distinct().Should().Equal(users);

            var withUser = user is null;
            Json(await client.QueryAsync(user, AnalyticsQuery.Flow)).Should().Be(Json(QueryResult.Of(flow)));
            Json(await client.QueryAsync(user, "learning")).Should().Be(Json(QueryResult.Of(learning, withUser)));
            Json(await client.QueryAsync(user, "interruptions")).Should().Be(Json(QueryResult.Of(interruptions, withUser)));
        }

        await FluentActions.Awaiting(() => client.QueryFlowAsync("not valid!")).Should().ThrowAsync<Contracts.InvalidInputException>();
    }

    private static string Json(QueryResult result) => JsonSerializer.Serialize(new { result.Columns, result.Rows }, CliJson);

    /// <summary>A seeded history with flow periods and notifications, recorded through the session.</summary>
    private static async Task RecordHistoryAsync(ActorTree tree, string userId, int seed)
    {
        var rng = new Random(seed);
        var t = Start;
        for (var i = 0; i < 60; i++)
        {
            t += TimeSpan.FromSeconds(rng.Next(5, 120));
            if (i % 20 == 19)
            {
                t += TimeSpan.FromDays(7);
            }

            var flow = i % 10 < 6 ? 0.9 : 0.1;
            await tree.AskAsync<InteractionAcknowledged>(new RecordInteraction(
                userId, $"s{i / 20}", $"request {i}", Commands[rng.Next(Commands.Length)], Outcome: (InteractionOutcome)rng.Next(3),
                FlowScore: flow, HrvCoherence: Math.Round(rng.NextDouble(), 3), Timestamp: t));
            if (i % 3 == 0)
            {
                await tree.AskAsync<NotificationAcknowledged>(new RecordNotification(userId, "update", t + TimeSpan.FromSeconds(1)));
            }
        }
    }
}
