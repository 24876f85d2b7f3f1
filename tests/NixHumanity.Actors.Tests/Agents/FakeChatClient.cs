using Microsoft.Extensions.AI;

namespace NixHumanity.Actors.Tests.Agents;

/// <summary>A chat client without a model: it keeps what it was sent and answers "done" (or fails, when told to).</summary>
internal sealed class FakeChatClient : IChatClient
{
    /// <summary>The texts of the messages of the last request.</summary>
    public List<string> Messages { get; } = [];

    /// <summary>The instructions of the last request (where an agent's context providers put their text).</summary>
    public string Instructions { get; private set; } = "";

    /// <summary>Whether the call fails, as a model that is unreachable would.</summary>
    public bool Fails { get; init; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Messages.AddRange(messages.Select(m => m.Text));
        Instructions = options?.Instructions ?? "";
        return Fails
            ? throw new InvalidOperationException("the model is unreachable")
            : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "done")));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the specs run the agent without streaming");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
