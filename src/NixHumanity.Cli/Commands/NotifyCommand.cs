using System.CommandLine;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;

namespace NixHumanity.Cli.Commands;

/// <summary><c>nixh notify</c>: a notification wants the person's attention; held back while they are in flow.</summary>
internal static class NotifyCommand
{
    public static Command Create()
    {
        var user = CommonOptions.User();
        var source = new Option<string>("--source") { Description = "Who is asking (e.g. system-update)", HelpName = "S", Required = true };
        var at = CommonOptions.At();

        var verb = new Command("notify", "Record a notification; it is delivered now, or deferred while the person is in flow") { user, source, at };
        RecordNotification Notification(ParseResult parse) =>
            new(parse.GetRequiredValue(user), parse.GetRequiredValue(source), CliErrors.ParseTimestamp("at", parse.GetValue(at)));

        // Checked before the tree starts: a refused notification creates no data directory, journal or store.
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "notification", async host =>
        {
            var notification = Notification(parse);
            var ack = await host.Client.RecordNotificationAsync(notification, cancellationToken);
            return new { id = ack.NotificationId, sequenceNr = ack.SequenceNr, userId = notification.UserId, delivered = ack.Delivered, deferred = ack.Deferred };
        }, check: () => NixHumanityInput.CheckNotification(Notification(parse), TimeProvider.System.GetUtcNow())));
        return verb;
    }
}
