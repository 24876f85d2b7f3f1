using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Agents;

namespace NixHumanity.Actors.Tests.Agents;

/// <summary>An Agent Framework agent gets the person's memories and state before a turn and the turn is recorded after.</summary>
public sealed class NixHumanityMemoryProviderSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>A chat client without a model: it keeps everything it was sent and answers "done".</summary>
    private sealed class FakeChatClient : IChatClient
    {
        public List<string> Seen { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Seen.AddRange(messages.Select(m => m.Text));
            if (options?.Instructions is { } instructions)
            {
                Seen.Add(instructions);
            }

            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "done")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the spec runs the agent without streaming");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task A_turn_sees_the_relevant_memories_and_the_state_and_is_recorded_afterwards()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NixHumanity:DataDirectory"] = _data.Path,
            ["NixHumanity:Embeddings:Kind"] = "NGram",
        });
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"));
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();
        await client.RecordInteractionAsync(new RecordInteraction("maya", "s1", "install firefox please", "nix-env -iA nixpkgs.firefox", Outcome: InteractionOutcome.Success));
        var chat = new FakeChatClient();
        var agent = new ChatClientAgent(chat, new ChatClientAgentOptions { AIContextProviders = [new NixHumanityMemoryProvider(client, "maya", "s1")] }, null, null);

        var session = await agent.CreateSessionAsync();
        var response = await agent.RunAsync("install firefox", session);

        response.Text.Should().Be("done");
        chat.Seen.Should().Contain(t => t.Contains("nix-env -iA nixpkgs.firefox", StringComparison.Ordinal), "the memory was added before the turn");
        chat.Seen.Should().Contain(t => t.Contains("not in flow", StringComparison.Ordinal), "the person's state was added before the turn");
        (await client.GetStatusAsync("maya")).Interactions.Should().Be(2, "the turn was recorded after the answer");
        await host.StopAsync();
    }
}
