using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Agents;

namespace NixHumanity.Actors.Tests.Agents;

/// <summary>
/// An Agent Framework agent (a real <see cref="ChatClientAgent"/> over a chat client without a model) gets the
/// person's memories and state before a turn, and the turn is recorded after it.
/// </summary>
public sealed class NixHumanityMemoryProviderSpecs : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _data = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private IHost _host = null!;

    private NixHumanityClient Client => _host.Services.GetRequiredService<NixHumanityClient>();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NixHumanity:DataDirectory"] = _data.Path,
            ["NixHumanity:Embeddings:Kind"] = "NGram",
        });
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_turn_sees_the_relevant_memories_and_the_state_and_is_recorded_afterwards()
    {
        await Client.RecordInteractionAsync(new RecordInteraction("maya", "s1", "install firefox please", "nix-env -iA nixpkgs.firefox", Outcome: InteractionOutcome.Success));
        var chat = new FakeChatClient();

        var response = await RunTurnAsync(chat, "install firefox");

        response.Text.Should().Be("done");
        chat.Instructions.Should().Contain("nix-env -iA nixpkgs.firefox", "the memory was added before the turn");
        chat.Instructions.Should().Contain("not in flow", "the person's state was added before the turn");
        chat.Messages.Should().Contain("install firefox", "the person's message still reaches the model");
        (await Client.GetStatusAsync("maya")).Interactions.Should().Be(2, "the turn was recorded after the answer");
        var history = await Client.ReadSessionHistoryAsync("maya");
        history.Select(e => e.Event).OfType<InteractionRecorded>().Last()
            .Should().Match<InteractionRecorded>(r => r.Text == "install firefox" && r.SessionId == "s1" && r.Intent == "agent-turn");
    }

    [Fact]
    public async Task A_person_in_flow_gets_a_short_answer_and_the_held_notifications_are_not_brought_up()
    {
        for (var i = 0; i < 6; i++)
        {
            _clock.SetUtcNow(Start.AddSeconds(5 * i));
            await Client.RecordInteractionAsync(new RecordInteraction("maya", "s1", $"quick step {i}", FlowScore: 0.95));
        }

        _clock.SetUtcNow(Start.AddSeconds(40));
        var held = await Client.RecordNotificationAsync(new RecordNotification("maya", "email"));
        var chat = new FakeChatClient();

        await RunTurnAsync(chat, "what was the next step");

        held.Deferred.Should().BeTrue("the person is in flow");
        chat.Instructions.Should().Contain("in flow (focused): keep the answer short");
        chat.Instructions.Should().Contain("1 notification(s) are held");
    }

    [Fact]
    public async Task A_failed_turn_is_not_recorded()
    {
        var chat = new FakeChatClient { Fails = true };

        var turn = () => RunTurnAsync(chat, "install firefox");

        await turn.Should().ThrowAsync<InvalidOperationException>();
        (await Client.GetStatusAsync("maya")).Interactions.Should().Be(0);
    }

    private async Task<AgentResponse> RunTurnAsync(FakeChatClient chat, string message)
    {
        var agent = new ChatClientAgent(chat, new ChatClientAgentOptions
        {
            AIContextProviders = [new NixHumanityMemoryProvider(Client, "maya", "s1")],
        }, null, null);
        var session = await agent.CreateSessionAsync();
        return await agent.RunAsync(message, session);
    }
}
