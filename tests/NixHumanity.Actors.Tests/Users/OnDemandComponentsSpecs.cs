using Akka.Actor;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

/// <summary>
/// <see cref="Hosting.NixHumanityOptions.StartComponentsOnDemand"/> (a <c>nixh</c> verb in its own process): a person's
/// session, memory and learner start with the first message for each, and a projection started late reads from the
/// journal what was recorded before it started.
/// </summary>
public sealed class OnDemandComponentsSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_record_starts_only_the_session_and_the_projections_started_later_answer_with_what_it_recorded()
    {
        await using var tree = ActorTree.Start(_data.Path, o => o.StartComponentsOnDemand = true);

        await tree.RecordAsync("ann", "install ripgrep", command: "nix-env -iA nixpkgs.ripgrep");
        await tree.RecordAsync("ann", "open firefox", command: "firefox");
        (await RunningAsync(tree, "ann")).Should().Equal("session");

        var found = await tree.AskAsync<MemorySearched>(new SearchMemory("ann", "rip grep"));
        found.Results[0].Command.Should().Be("nix-env -iA nixpkgs.ripgrep");
        (await RunningAsync(tree, "ann")).Should().Equal("memory", "session");

        var next = await tree.AskAsync<NextCommands>(new SuggestNextCommands("ann"));
        next.AfterCommand.Should().Be("firefox");
        (await RunningAsync(tree, "ann")).Should().Equal("learner", "memory", "session");

        // Events recorded once the projections run reach them as they are written.
        await tree.RecordAsync("ann", "install ripgrep again", command: "nix-env -iA nixpkgs.ripgrep");
        (await tree.AskAsync<NextCommands>(new SuggestNextCommands("ann"))).AfterCommand.Should().Be("nix-env -iA nixpkgs.ripgrep");
    }

    [Fact]
    public async Task A_tree_with_only_some_components_started_stops_when_passivated()
    {
        await using var tree = ActorTree.Start(_data.Path, o => o.StartComponentsOnDemand = true);
        (await tree.AskAsync<MemorySearched>(new SearchMemory("bea", "anything"))).Results.Should().BeEmpty();
        await tree.RecordAsync("cid", "open firefox", command: "firefox");
        (await RunningAsync(tree, "bea")).Should().Equal("memory");

        tree.Directory.Tell(new PassivateUser("bea"));
        tree.Directory.Tell(new PassivateUser("cid"));

        // The directory forgets a tree when it has terminated: after every started child stopped.
        await Eventually.HoldsAsync(
            async () => (await tree.AskDirectoryAsync(GetActiveUsers.Instance)).Should().BeOfType<ActiveUsers>().Which.UserIds.Should().BeEmpty(),
            TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task By_default_the_tree_starts_all_three_components_with_the_first_message()
    {
        await using var tree = ActorTree.Start(_data.Path);

        await tree.RecordAsync("dee", "open firefox", command: "firefox");

        (await RunningAsync(tree, "dee")).Should().Equal("learner", "memory", "session");
    }

    /// <summary>The components of <paramref name="userId"/>'s tree that are running, by name.</summary>
    private static async Task<IReadOnlyList<string>> RunningAsync(ActorTree tree, string userId)
    {
        var running = new List<string>();
        foreach (var name in new[] { "learner", "memory", "session" })
        {
            var identity = await tree.System.ActorSelection($"/user/users/{UserDirectory.ChildName(userId)}/{name}")
                .Ask<ActorIdentity>(new Identify(name), tree.Options.AskTimeout);
            if (identity.Subject is not null)
            {
                running.Add(name);
            }
        }

        return running;
    }
}
