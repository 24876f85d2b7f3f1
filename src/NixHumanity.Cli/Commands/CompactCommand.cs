using System.CommandLine;

namespace NixHumanity.Cli.Commands;

/// <summary><c>nixh compact</c>: drop old memory versions and say which time travel that removes.</summary>
internal static class CompactCommand
{
    public static Command Create()
    {
        var user = CommonOptions.User();
        var upTo = new Option<long?>("--up-to")
        {
            Description = "Oldest version that stays readable (default: the current one, so only the live table remains)",
            HelpName = "V",
        };
        var verb = new Command("compact", "Drop memory versions older than --up-to; reports the time travel given up") { user, upTo };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "compacted", async host =>
        {
            var userId = parse.GetRequiredValue(user);
            var compacted = await host.Client.CompactMemoryAsync(userId, parse.GetValue(upTo), cancellationToken);
            var report = compacted.Report;
            return new
            {
                userId,
                versionsRemoved = report.VersionsRemoved,
                rowVersionsRemoved = report.RowVersionsRemoved,
                removedFromVersion = report.RemovedFromVersion,
                removedToVersion = report.RemovedToVersion,
                oldestReadableVersion = report.OldestReadableVersion,
                oldestReadableAt = report.OldestReadableAt,
                currentVersion = report.CurrentVersion,
                summary = report.Summary,
            };
        }));
        return verb;
    }
}
