using System.CommandLine;
using System.Text.Json;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Import;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Cli.Serve;
using Spectre.Console;

namespace NixHumanity.Cli.Commands;

/// <summary>
/// <c>nixh import FILE --user U [--strict]</c>: migrates history from the assistant's SQLite database or its
/// <c>learning.json</c> into the user's journal. The file is read and validated completely before anything is
/// written; importing the same file again adds nothing.
/// </summary>
internal static class ImportCommand
{
    private const int ShownProblems = 20;

    public static Command Create()
    {
        var file = PathSymbols.Mark(new Argument<string>("FILE") { Description = "The assistant's SQLite database or learning.json (detected from the content), or a folder written by nixh export" });
        var user = CommonOptions.User();
        var strict = new Option<bool>("--strict") { Description = "Reject the whole file if any row is malformed (default: skip and report bad rows)" };
        var verb = new Command("import", "Import history from the assistant's SQLite store or learning.json into a user's journal") { file, user, strict };
        verb.SetAction(async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(CommonOptions.Json);
            try
            {
                var userId = parse.GetRequiredValue(user);
                if (InputRules.Id("userId", userId) is { } badUser)
                {
                    throw new InvalidInputException(badUser);
                }

                var path = parse.GetRequiredValue(file);
                if (NixHumanityFiles.IsExportFolder(path))
                {
                    await RestoreAsync(parse, path, userId, json, cancellationToken);
                    return ExitCodes.Success;
                }

                var isStrict = parse.GetValue(strict);
                // Progress goes to stderr and only for a person at a terminal: stdout stays one JSON object.
                var console = json ? null : CliConsole.ProgressConsole();
                var report = console is null
                    ? await ImportAsync(parse, parse.GetRequiredValue(file), userId, isStrict, null, null, cancellationToken)
                    : await console.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                        .StartAsync(async context =>
                        {
                            var reading = context.AddTask("reading", maxValue: 1);
                            var writing = context.AddTask("importing", autoStart: false, maxValue: 1);
                            return await ImportAsync(parse, parse.GetRequiredValue(file), userId, isStrict, reading, writing, cancellationToken);
                        });
                Print(json, report);
                return ExitCodes.Success;
            }
            catch (Exception ex)
            {
                return NixhCommandLine.Fail(ex);
            }
        });
        return verb;
    }

    private static async Task<ImportReport> ImportAsync(
        ParseResult parse, string path, string userId, bool strict, ProgressTask? reading, ProgressTask? writing, CancellationToken cancellationToken)
    {
        // Read and validate everything before the actor tree starts: a bad file never touches the data directory.
        var plan = await Task.Run(
            () => NixHumanityFiles.ReadImportFile(path, TimeProvider.System, reading is null ? null : new Sink(reading), cancellationToken),
            cancellationToken);
        Complete(reading);
        NixHumanityFiles.EnsureImportable(plan, strict);

        writing?.StartTask();
        await using var host = await CliHost.StartAsync(parse.GetRequiredValue(CommonOptions.DataDir), CommonOptions.EmbedderOf(parse), cancellationToken);
        var report = await host.Client.ImportAsync(userId, plan, strict, writing is null ? null : new Sink(writing), cancellationToken);
        Complete(writing);
        return report;
    }

    /// <summary>An export folder (<c>nixh export</c>) is restored, not imported: same events, same sequence numbers.</summary>
    private static async Task RestoreAsync(ParseResult parse, string folder, string userId, bool json, CancellationToken cancellationToken)
    {
        await using var host = await CliHost.StartAsync(parse.GetRequiredValue(CommonOptions.DataDir), CommonOptions.EmbedderOf(parse), cancellationToken);
        var restored = await host.Client.RestoreAsync(userId, folder, cancellationToken);
        CliOutput.Write(json, new { userId, source = Path.GetFullPath(folder), kind = "export", events = restored.Events, sequenceNr = restored.SequenceNr }, "restored");
    }

    private static void Complete(ProgressTask? task)
    {
        if (task is not null)
        {
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }

    private static void Print(bool json, ImportReport report)
    {
        var result = new
        {
            userId = report.UserId,
            source = report.Source,
            kind = report.Kind.ToWire(),
            rows = report.Rows,
            imported = report.Imported,
            duplicates = report.Duplicates,
            skipped = report.Skipped.Select(p => new { table = p.Table, row = p.Row, field = p.Field, rule = p.Rule }).ToList(),
            patterns = new { rows = report.PatternRows, imported = report.PatternsImported, duplicates = report.PatternDuplicates },
            metrics = new { rows = report.MetricRows, imported = report.MetricsImported, duplicates = report.MetricDuplicates },
            sequenceNr = report.SequenceNr,
        };
        if (json)
        {
            ResultOutput.Writer.WriteLine(JsonSerializer.Serialize(result, JsonSerializerOptions.Web));
            return;
        }

        var summary = new Table().Title($"import into {Markup.Escape(report.UserId)}").AddColumn("").AddColumn("rows").AddColumn("imported").AddColumn("duplicates").AddColumn("skipped");
        summary.AddRow("interactions", $"{report.Rows}", $"{report.Imported}", $"{report.Duplicates}", $"{report.Skipped.Count(p => p.Table is "interactions" or "commandHistory")}");
        summary.AddRow("patterns", $"{report.PatternRows}", $"{report.PatternsImported}", $"{report.PatternDuplicates}", $"{report.Skipped.Count(p => p.Table == "patterns")}");
        summary.AddRow("metrics", $"{report.MetricRows}", $"{report.MetricsImported}", $"{report.MetricDuplicates}", $"{report.Skipped.Count(p => p.Table == "evolution")}");
        summary.Caption($"{Markup.Escape(report.Source)} ({report.Kind.ToWire()})");
        AnsiConsole.Write(summary);
        if (report.Skipped.Count == 0)
        {
            return;
        }

        var skipped = new Table().Title($"skipped rows ({report.Skipped.Count})").AddColumn("row").AddColumn("field").AddColumn("rule");
        foreach (var problem in report.Skipped.Take(ShownProblems))
        {
            skipped.AddRow(Markup.Escape($"{problem.Table}[{problem.Row}]"), Markup.Escape(problem.Field), Markup.Escape(problem.Rule));
        }

        if (report.Skipped.Count > ShownProblems)
        {
            skipped.Caption($"… and {report.Skipped.Count - ShownProblems} more (use --json for all)");
        }

        AnsiConsole.Write(skipped);
    }

    /// <summary>Moves a progress bar; called on the importing thread (Spectre's tasks are thread-safe).</summary>
    private sealed class Sink(ProgressTask task) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            task.MaxValue = Math.Max(value.Total, 1);
            task.Value = value.Done;
        }
    }
}
