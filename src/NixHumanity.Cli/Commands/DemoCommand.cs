using System.CommandLine;
using System.Text.Json;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Cli.Charts;
using NixHumanity.Cli.Demo;
using Spectre.Console;

namespace NixHumanity.Cli.Commands;

/// <summary>
/// <c>nixh demo</c>: plays a scripted day of the three personas through the real actor tree on the embedded
/// default (SQLite journal), in a fresh temporary data directory unless <c>--data-dir</c> is given.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var verb = new Command("demo", "Play a short day of Grandma Rose, Maya and Dr. Sarah through the actor tree and show what happened");
        verb.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(CommonOptions.Json);
            var dataDirResult = parse.GetResult(CommonOptions.DataDir);
            var dataDir = dataDirResult is null || dataDirResult.Implicit
                ? Path.Combine(Path.GetTempPath(), $"nixh-demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}")
                : parse.GetRequiredValue(CommonOptions.DataDir);
            try
            {
                await using var host = await CliHost.StartAsync(dataDir, CommonOptions.EmbedderOf(parse), cancellationToken);
                var report = await PlayAsync(host.Client, json, cancellationToken);
                // Dr. Sarah's research questions, after her scripted requests (which ended about four hours ago).
                var research = await SarahsAnalysisAsync(host.Client, json, DateTimeOffset.UtcNow.AddHours(-1), cancellationToken);
                var charts = await WriteChartsAsync(host, Path.Combine(dataDir, "charts"), cancellationToken);
                if (json)
                {
                    ResultOutput.Writer.WriteLine(JsonSerializer.Serialize(new { dataDir, personas = report, research, charts }, JsonSerializerOptions.Web));
                }
                else
                {
                    foreach (var chart in charts)
                    {
                        AnsiConsole.MarkupLine($"[grey]Chart:[/] {Markup.Escape(chart)}");
                    }

                    AnsiConsole.MarkupLine($"[grey]Data directory:[/] {Markup.Escape(dataDir)}");
                }

                return ExitCodes.Success;
            }
            catch (Exception ex)
            {
                return NixhCommandLine.Fail(ex);
            }
        });
        return verb;
    }

    private static string FlowState(bool inFlow, IReadOnlyList<DeferredNotification> released) =>
        (inFlow ? "[green]in flow[/]" : "") + Released(released);

    private static string Released(IReadOnlyList<DeferredNotification> released) => released.Count == 0
        ? ""
        : $"[blue]flow ended; released: {Markup.Escape(string.Join(", ", released.Select(r => r.Source)))}[/]";

    /// <summary>Searches the persona's memory (live, and as of <paramref name="asOfVersion"/> when given) and shows the top hits.</summary>
    private static async Task<List<object>> SearchMemoryAsync(
        NixHumanityClient client, Persona persona, DemoSearch search, long? asOfVersion, bool json, CancellationToken cancellationToken)
    {
        var shown = new List<object>();
        var reads = asOfVersion is { } v ? new long?[] { null, v } : [null];
        foreach (var version in reads)
        {
            var found = await client.SearchAsync(new SearchMemory(persona.UserId, search.Query, 3, AsOf: version?.ToString()), cancellationToken);
            shown.Add(new
            {
                query = found.Query,
                version = found.Version,
                asOf = version,
                results = found.Results.Select(r => new { command = r.Command, text = r.Text, score = r.Score, successRate = r.SuccessRate }).ToList(),
            });
            if (json)
            {
                continue;
            }

            var title = version is null
                ? $"{Markup.Escape(persona.Name)} asks her memory: [italic]\"{Markup.Escape(search.Query)}\"[/] (version {found.Version})"
                : $"…and the same question as of version {found.Version}, right after her first request (time travel)";
            var table = new Table().Title(title).AddColumns("#", "remembered command", "what was said", "score", "success rate");
            foreach (var (hit, rank) in found.Results.Select((h, i) => (h, i + 1)))
            {
                table.AddRow(rank.ToString(), Markup.Escape(hit.Command), Markup.Escape(hit.Text), hit.Score.ToString("0.00"), hit.SuccessRate.ToString("0.00"));
            }

            AnsiConsole.Write(table);
        }

        return shown;
    }

    /// <summary>
    /// Dr. Sarah's research part: the three analytics queries (flow across every person, her learning curve and
    /// interruptions) and a time-travel read of her preferences — what the assistant preferred after her first fold
    /// versus now, after one more request.
    /// </summary>
    private static async Task<object> SarahsAnalysisAsync(NixHumanityClient client, bool json, DateTimeOffset at, CancellationToken cancellationToken)
    {
        const string sarah = "dr-sarah";
        var firstFold = await client.FoldAsync(sarah, cancellationToken);
        // Fragments are stamped in whole seconds (the tensor's uint32 time), so the second fold must land in a later
        // second for the first one to stay readable on its own.
        await Task.Delay(TimeSpan.FromSeconds(1.1), cancellationToken);
        await client.RecordInteractionAsync(new RecordInteraction(sarah, "sarah-analysis", "can you show me my weekly learning curve",
            "nixh query learning", null, "query", InteractionOutcome.Success, Timestamp: at), cancellationToken);
        var secondFold = await client.FoldAsync(sarah, cancellationToken);

        var flow = await client.QueryAsync(null, "flow", cancellationToken);
        var learning = await client.QueryAsync(sarah, "learning", cancellationToken);
        var interruptions = await client.QueryAsync(sarah, "interruptions", cancellationToken);
        var then = await client.GetPreferencesAsync(sarah, firstFold.Stamp?.ToString("O"), "384..391", cancellationToken);
        var now = await client.GetPreferencesAsync(sarah, null, "384..391", cancellationToken);

        if (!json)
        {
            var flowTable = new Table().Title("[bold]Dr. Sarah: query flow[/] (every person, merged)").AddColumns("user_id", "avg_flow_duration (s)", "peak_coherence");
            foreach (var row in flow.Rows)
            {
                flowTable.AddRow(Markup.Escape($"{row["user_id"]}"), $"{row["avg_flow_duration"]:0.#}", row["peak_coherence"] is double p ? $"{p:0.00}" : "–");
            }

            var learningTable = new Table().Title("[bold]Dr. Sarah: query learning[/] (weekly learning curve)").AddColumns("week", "mastery");
            foreach (var row in learning.Rows)
            {
                learningTable.AddRow($"{row["week"]:yyyy-MM-dd}", $"{row["mastery"]:0.000}");
            }

            var prefsTable = new Table()
                .Title($"[bold]Dr. Sarah: preferences[/] as of fold 1 ({firstFold.Stamp:HH:mm:ss}) and now (fold 2: {secondFold.Interactions} new)")
                .AddColumns("feature", "name", "as of fold 1", "now");
            foreach (var cell in now.Cells)
            {
                var old = then.Cells.FirstOrDefault(c => c.Feature == cell.Feature);
                prefsTable.AddRow(cell.Feature.ToString(), Markup.Escape(cell.Name ?? ""), old is null ? "–" : $"{old.Value:0.000}", $"{cell.Value:0.000}");
            }

            AnsiConsole.Write(flowTable);
            AnsiConsole.Write(learningTable);
            AnsiConsole.MarkupLine($"[bold]Dr. Sarah: query interruptions[/]: {interruptions.Rows.Count} flow period(s), " +
                $"{interruptions.Rows.Sum(r => (long)r["interruptions"]!)} interruption(s)");
            AnsiConsole.Write(prefsTable);
        }

        return new
        {
            userId = sarah,
            analysis = new
            {
                flow = flow.Rows,
                learning = learning.Rows,
                interruptions = interruptions.Rows,
                preferencesAtFirstFold = then.Cells,
                preferencesNow = now.Cells,
            },
        };
    }

    /// <summary>Plays each persona's scripted day in turn, then (for people) the end-of-day summary.</summary>
    private static async Task<List<object>> PlayAsync(NixHumanityClient client, bool json, CancellationToken cancellationToken)
    {
        // The day started eight hours ago, so every scripted timestamp is in the accepted past.
        var dayStart = DateTimeOffset.UtcNow.AddHours(-8);
        var report = new List<object>();
        foreach (var (persona, index) in PersonaScript.All.Select((p, i) => (p, i)))
        {
            report.Add(await PlayPersonaAsync(client, persona, dayStart.AddHours(index * 2), json, cancellationToken));
        }

        if (!json)
        {
            await WriteSummaryAsync(client, cancellationToken);
        }

        return report;
    }

    /// <summary>One persona's day: the steps (with a progress bar for people), its table, its memory searches.</summary>
    private static async Task<object> PlayPersonaAsync(NixHumanityClient client, Persona persona, DateTimeOffset start, bool json, CancellationToken cancellationToken)
    {
        var table = new Table()
            .Title($"[bold]{Markup.Escape(persona.Name)}[/] — {Markup.Escape(persona.Portrait)}")
            .AddColumns("time", "said / notified", "command", "outcome", "flow", "state");
        PersonaScript.Searches.TryGetValue(persona.UserId, out var search);
        var asOfVersion = json
            ? await PlayStepsAsync(client, persona, start, table, search, null, cancellationToken)
            // Progress while the day plays; the table is written once the live display has finished.
            : await AnsiConsole.Progress().AutoClear(true).StartAsync(context => PlayStepsAsync(
                client, persona, start, table, search, context.AddTask($"{Markup.Escape(persona.Name)}'s day", maxValue: persona.Steps.Count), cancellationToken));

        var status = await client.GetStatusAsync(persona.UserId, cancellationToken);
        if (!json)
        {
            AnsiConsole.Write(table);
        }

        var searches = search is null ? [] : await SearchMemoryAsync(client, persona, search, asOfVersion, json, cancellationToken);
        return new
        {
            userId = persona.UserId,
            name = persona.Name,
            interactions = status.Interactions,
            notifications = status.Notifications,
            flowSessions = status.FlowSessions,
            inFlow = status.InFlow,
            flowScore = status.FlowScore,
            deferredNotifications = status.DeferredNotifications,
            searches,
        };
    }

    /// <summary>Plays the steps, adding a row per step; returns the memory version read after the step the search
    /// travels back to (null when the persona has no such search).</summary>
    private static async Task<long?> PlayStepsAsync(
        NixHumanityClient client, Persona persona, DateTimeOffset start, Table table, DemoSearch? search, ProgressTask? progress, CancellationToken cancellationToken)
    {
        long? asOfVersion = null;
        foreach (var (step, stepIndex) in persona.Steps.Select((s, i) => (s, i)))
        {
            await PlayStepAsync(client, persona, step, start + step.Offset, table, cancellationToken);
            progress?.Increment(1);
            if (search?.AsOfAfterStep == stepIndex)
            {
                asOfVersion = (await client.GetMemoryStatusAsync(persona.UserId, cancellationToken)).Version;
            }
        }

        return asOfVersion;
    }

    private static async Task PlayStepAsync(NixHumanityClient client, Persona persona, DemoStep step, DateTimeOffset at, Table table, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case SaysStep says:
                var ack = await client.RecordInteractionAsync(new RecordInteraction(
                    persona.UserId, persona.SessionId, says.Text, says.Command, null, says.CommandType, says.Outcome,
                    HrvCoherence: says.Hrv, Attention: says.Attention, Timestamp: at), cancellationToken);
                table.AddRow(
                    at.ToString("HH:mm:ss"), Markup.Escape(says.Text), Markup.Escape(says.Command), says.Outcome.ToWire(),
                    ack.FlowScore.ToString("0.00"), FlowState(ack.InFlow, ack.Released));
                break;
            case NotifiedStep notified:
                var note = await client.RecordNotificationAsync(new RecordNotification(persona.UserId, notified.Source, at), cancellationToken);
                table.AddRow(
                    at.ToString("HH:mm:ss"), $"[yellow]notification: {Markup.Escape(notified.Source)}[/]", "", "", "",
                    note.Deferred ? "[yellow]held back (flow)[/]" : "delivered" + Released(note.Released));
                break;
        }
    }

    /// <summary>The end-of-day table: every persona's session status.</summary>
    private static async Task WriteSummaryAsync(NixHumanityClient client, CancellationToken cancellationToken)
    {
        var summary = new Table().Title("[bold]End of the day[/]")
            .AddColumns("person", "interactions", "notifications", "flow periods", "in flow now", "flow score", "still held back");
        foreach (var persona in PersonaScript.All)
        {
            var status = await client.GetStatusAsync(persona.UserId, cancellationToken);
            summary.AddRow(
                persona.Name, status.Interactions.ToString(), status.Notifications.ToString(), status.FlowSessions.ToString(),
                status.InFlow ? "yes" : "no", status.FlowScore.ToString("0.00"), status.DeferredNotifications.ToString());
        }

        AnsiConsole.Write(summary);
    }

    /// <summary>The flow timeline of each persona, with their notifications marked, and their weekly learning curve.</summary>
    private static async Task<List<string>> WriteChartsAsync(CliHost host, string folder, CancellationToken cancellationToken)
    {
        var charts = new List<string>();
        foreach (var persona in PersonaScript.All)
        {
            var history = await host.Client.ReadSessionHistoryAsync(persona.UserId, cancellationToken);
            charts.Add(FlowTimelineChart.Render(persona.UserId, history, host.Options.Flow, folder));
            if (LearningCurveChart.RenderQuery(persona.UserId, await host.Client.QueryLearningCurveAsync(persona.UserId, cancellationToken), folder) is { } curve)
            {
                charts.Add(curve);
            }
        }

        return charts;
    }
}
