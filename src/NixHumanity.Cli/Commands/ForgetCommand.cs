using System.CommandLine;
using Spectre.Console;

namespace NixHumanity.Cli.Commands;

/// <summary><c>nixh forget</c>: remove a person from every store and say what was removed.</summary>
internal static class ForgetCommand
{
    public static Command Create()
    {
        var user = CommonOptions.User();
        var verb = new Command("forget", "Remove a user from every store (journal, snapshots, memory, analytics, tensors, charts) and report what was removed") { user };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "forgotten", async host =>
        {
            var report = await host.Client.ForgetAsync(parse.GetRequiredValue(user), cancellationToken);
            if (!parse.GetValue(CommonOptions.Json))
            {
                foreach (var store in report.Stores)
                {
                    AnsiConsole.MarkupLine($"[grey]removed[/] {Markup.Escape(store)}");
                }
            }

            return new
            {
                userId = report.UserId,
                journalEvents = report.JournalEvents,
                snapshots = report.Snapshots,
                tagRows = report.TagRows,
                filesDeleted = report.FilesDeleted,
                bytesDeleted = report.BytesDeleted,
                stores = report.Stores,
            };
        }));
        return verb;
    }
}
