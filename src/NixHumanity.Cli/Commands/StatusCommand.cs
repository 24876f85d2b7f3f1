using System.CommandLine;

namespace NixHumanity.Cli.Commands;

/// <summary><c>nixh status</c>: the person's session summary.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var user = CommonOptions.User();
        var verb = new Command("status", "Show a user's counts, flow score, flow state and deferred notifications") { user };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "status", async host =>
        {
            var status = await host.Client.GetStatusAsync(parse.GetRequiredValue(user), cancellationToken);
            // The learner is started with the user's tree anyway, so asking it for the likely next commands is cheap.
            var next = await host.Client.SuggestAsync(status.UserId, 3, cancellationToken);
            return new
            {
                userId = status.UserId,
                interactions = status.Interactions,
                notifications = status.Notifications,
                inFlow = status.InFlow,
                flowScore = status.FlowScore,
                deferredNotifications = status.DeferredNotifications,
                flowSessions = status.FlowSessions,
                lastInteractionAt = status.LastInteractionAt,
                sequenceNr = status.SequenceNr,
                importedInteractions = status.ImportedInteractions,
                likelyNext = next.Next.Select(n => new { command = n.Command, probability = n.Probability }).ToList(),
            };
        }));
        return verb;
    }
}
