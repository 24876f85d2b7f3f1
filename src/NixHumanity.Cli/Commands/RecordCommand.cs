using System.CommandLine;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;

namespace NixHumanity.Cli.Commands;

/// <summary><c>nixh record</c>: journal one interaction and print its id and sequence number.</summary>
internal static class RecordCommand
{
    public static Command Create()
    {
        var user = CommonOptions.User();
        var session = new Option<string>("--session") { Description = "Session id ([A-Za-z0-9_-]{1,64})", HelpName = "S", Required = true };
        var text = new Option<string>("--text") { Description = "What the person said or typed", HelpName = "T", Required = true };
        var command = new Option<string?>("--command") { Description = "The command the assistant ran", HelpName = "C" };
        var intent = new Option<string?>("--intent") { Description = "The recognised intent", HelpName = "I" };
        var commandType = new Option<string?>("--command-type") { Description = "Command category (install, search, …)" };
        var outcome = new Option<string>("--outcome") { Description = "success|failure|unknown", DefaultValueFactory = _ => "unknown" };
        var flowScore = new Option<double?>("--flow-score") { Description = "Flow score measured by the caller, 0..1", HelpName = "X" };
        var hrv = new Option<double?>("--hrv") { Description = "HRV coherence, 0..1", HelpName = "X" };
        var attention = new Option<double?>("--attention") { Description = "Attention score, 0..1", HelpName = "X" };
        var at = CommonOptions.At();

        var verb = new Command("record", "Record one interaction; prints its id and journal sequence number once it is durable")
        {
            user, session, text, command, intent, commandType, outcome, flowScore, hrv, attention, at,
        };
        RecordInteraction Interaction(ParseResult parse)
        {
            if (!InteractionOutcomes.TryParse(parse.GetValue(outcome), out var parsedOutcome))
            {
                throw new InvalidInputException(new CommandRejected("outcome", InteractionOutcomes.Rule));
            }

            return new RecordInteraction(
                parse.GetRequiredValue(user),
                parse.GetRequiredValue(session),
                parse.GetRequiredValue(text),
                parse.GetValue(command),
                parse.GetValue(intent),
                parse.GetValue(commandType),
                parsedOutcome,
                parse.GetValue(flowScore),
                parse.GetValue(hrv),
                parse.GetValue(attention),
                CliErrors.ParseTimestamp("at", parse.GetValue(at)));
        }

        // Checked before the tree starts: a refused interaction creates no data directory, journal or store.
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "recorded", async host =>
        {
            var ack = await host.Client.RecordInteractionAsync(Interaction(parse), cancellationToken);
            var userId = parse.GetRequiredValue(user);
            return new { id = ack.InteractionId, sequenceNr = ack.SequenceNr, userId, flowScore = ack.FlowScore, inFlow = ack.InFlow };
        }, check: () => NixHumanityInput.CheckInteraction(Interaction(parse), TimeProvider.System.GetUtcNow())));
        return verb;
    }
}
