using System.CommandLine;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning;

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
            // The session answers alone; the learner's likely next commands are added when it can answer, else the field
            // is null and `unavailable` says why (a learner that is restarting or broken never takes status down). They
            // are the learner's latest published prediction, answered without waiting for its turn (docs/adr/0053).
            var unavailable = new Dictionary<string, string>(StringComparer.Ordinal);
            NextCommands? next = null;
            try
            {
                next = await host.Client.AskAsync<NextCommands>(new GetLikelyNext(status.UserId, 3), cancellationToken);
            }
            catch (ComponentUnavailableException down)
            {
                unavailable["likelyNext"] = down.Message;
            }

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
                likelyNext = next?.Next.Select(n => new { command = n.Command, probability = n.Probability }).ToList(),
                unavailable,
            };
        }));
        return verb;
    }
}
