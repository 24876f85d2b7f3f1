using Akka.Actor;
using Akka.Hosting;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Agents;

namespace NixHumanity.Sample;

/// <summary>
/// The sample host: a generic host with its own actor system, NixHumanity joined to it with
/// <c>WithNixHumanity</c>, an embedding generator of the host's own, and an Agent Framework agent with the person's
/// memory. The chat client is canned (no model), so the sample runs anywhere.
/// </summary>
public static class AssistantSample
{
    /// <summary>Runs one agent turn for the configured person and prints what the agent was told.</summary>
    /// <param name="args">Optionally the data directory (default: a new folder under the temp folder).</param>
    /// <param name="output">Where the answer and the person's status are written.</param>
    /// <returns>The exit code: 0.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var dataDirectory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "nixh-sample", Guid.NewGuid().ToString("N"));
        using var host = Build(dataDirectory);
        await host.StartAsync().ConfigureAwait(false);
        try
        {
            await TalkAsync(host.Services, output).ConfigureAwait(false);
        }
        finally
        {
            await host.StopAsync().ConfigureAwait(false);
        }

        return 0;
    }

    private static IHost Build(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NixHumanity:DataDirectory"] = dataDirectory,
            // The sample ships without nixh's command line, so it cannot answer nixh verbs beside it; a host that ships
            // nixh.dll leaves Serve on (the default) and a person's `nixh status` is forwarded to it.
            ["NixHumanity:Serve"] = "false",
            ["Sample:Person"] = "maya",
        });
        builder.Services.AddOptions<SampleSettings>().Bind(builder.Configuration.GetSection("Sample"));

        // The host's own embedder: any IEmbeddingGenerator in the container is used for the memories.
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>, WordHashEmbeddingGenerator>();

        // The host's own actor system and actors, with NixHumanity's trees added to it.
        builder.Services.AddNixHumanityServices(builder.Configuration.GetSection("NixHumanity"));
        builder.Services.AddAkka("assistant", (akka, provider) => akka
            .WithNixHumanity(provider)
            .WithActors((system, registry) => registry.Register<Greeter>(system.ActorOf(Props.Create(() => new Greeter()), "greeter"))));
        return builder.Build();
    }

    private static async Task TalkAsync(IServiceProvider services, TextWriter output)
    {
        var client = services.GetRequiredService<NixHumanityClient>();
        var person = services.GetRequiredService<IOptions<SampleSettings>>().Value.Person;
        await client.WarmUpAsync(person).ConfigureAwait(false);
        await client.RecordInteractionAsync(new RecordInteraction(person, "sample", "install ripgrep", "nix-env -iA nixpkgs.ripgrep", Outcome: InteractionOutcome.Success)).ConfigureAwait(false);

        var agent = new ChatClientAgent(new CannedChatClient(), new ChatClientAgentOptions
        {
            AIContextProviders = [new NixHumanityMemoryProvider(client, person, "sample")],
        }, null, null);
        var session = await agent.CreateSessionAsync().ConfigureAwait(false);
        var answer = await agent.RunAsync("how did I install ripgrep?", session).ConfigureAwait(false);
        await output.WriteLineAsync(answer.Text).ConfigureAwait(false);

        var status = await client.GetStatusAsync(person).ConfigureAwait(false);
        await output.WriteLineAsync($"{person}: {status.Interactions} interactions recorded, in flow: {status.InFlow}").ConfigureAwait(false);
    }
}
