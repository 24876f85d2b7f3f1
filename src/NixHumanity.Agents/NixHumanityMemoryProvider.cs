using System.Globalization;
using System.Text;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;

namespace NixHumanity.Agents;

/// <summary>
/// Gives an Agent Framework agent the person's memory: before each turn it adds the remembered commands most
/// relevant to the person's last message and their current state (in flow: keep answers short; notifications are
/// held) to the agent's instructions; after the turn it records the interaction (intent <c>agent-turn</c>) in the
/// person's journal, where it counts for flow, analytics and export. A turn carries no command, so it does not become
/// a memory itself: record the command the assistant ran with <see cref="NixHumanityClient.RecordInteractionAsync"/>.
/// </summary>
/// <param name="client">The library's client (from the host's container).</param>
/// <param name="userId">The person the agent talks to.</param>
/// <param name="sessionId">The session id recorded with each interaction.</param>
/// <param name="memories">How many memories to add at most (default 3).</param>
public sealed class NixHumanityMemoryProvider(NixHumanityClient client, string userId, string sessionId, int memories = 3)
    : AIContextProvider(null, null, null)
{
    /// <summary>Adds the relevant memories and the person's state to the turn's instructions.</summary>
    protected override async ValueTask<AIContext> ProvideAIContextAsync(InvokingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var status = await client.GetStatusAsync(userId, cancellationToken).ConfigureAwait(false);
        var text = LastUserText(context.AIContext.Messages);
        var found = text is null
            ? null
            : await client.SearchAsync(new SearchMemory(userId, text, Limit: memories), cancellationToken).ConfigureAwait(false);
        return new AIContext { Instructions = Describe(status, found) };
    }

    /// <summary>Records the turn (the person's last message) once the agent has answered; a failed turn is not recorded.</summary>
    protected override async ValueTask StoreAIContextAsync(InvokedContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.InvokeException is not null || LastUserText(context.RequestMessages) is not { } text)
        {
            return;
        }

        await client.RecordInteractionAsync(new RecordInteraction(userId, sessionId, text, Intent: "agent-turn"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The instructions for a person in <paramref name="status"/> with <paramref name="found"/> memories.</summary>
    internal static string Describe(SessionStatus status, MemorySearched? found)
    {
        var text = new StringBuilder();
        text.AppendLine(status.InFlow
            ? "The person is in flow (focused): keep the answer short and do not bring up anything else; notifications are held until flow ends."
            : "The person is not in flow: a normal answer is fine.");
        if (status.DeferredNotifications > 0)
        {
            // The agent must not relay what the library is deliberately holding back.
            text.AppendLine(CultureInfo.InvariantCulture, $"{status.DeferredNotifications} notification(s) are held: do not mention them.");
        }

        if (found is { Abstained: false, Results.Count: > 0 })
        {
            text.AppendLine("Commands this person ran before for similar requests (best first, with success rate):");
            foreach (var hit in found.Results)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- \"{hit.Text}\" -> {hit.Command} (success {hit.SuccessRate:0%})");
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The person's last message, cut to the longest text the library accepts: a long paste still finds memories and
    /// is still recorded instead of failing the turn with <see cref="Actors.Contracts.InvalidInputException"/>.
    /// </summary>
    private static string? LastUserText(IEnumerable<ChatMessage>? messages) =>
        messages?.LastOrDefault(m => m.Role == ChatRole.User && !string.IsNullOrWhiteSpace(m.Text))?.Text is { } text
            ? text.Length > InputRules.MaxTextLength ? text[..InputRules.MaxTextLength] : text
            : null;
}
