using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit.Xunit2;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>No Akka type reaches a caller of <see cref="NixHumanityClient"/>: timeouts and restarts are the library's own exceptions.</summary>
public sealed class ClientExceptionSpecs : TestKit
{
    private sealed class ProbeDirectory(IActorRef probe) : IRequiredActor<UserDirectory>
    {
        public IActorRef ActorRef => probe;

        public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(probe);
    }

    private NixHumanityClient ClientOn(IActorRef directory, TimeSpan askTimeout, TempDataDirectory data) =>
        new(new ProbeDirectory(directory), new NixHumanityOptions { DataDirectory = data.Path, AskTimeout = askTimeout }, Sys);

    [Fact]
    public async Task A_tree_that_does_not_answer_gives_a_TimeoutException_of_the_library()
    {
        using var data = new TempDataDirectory();
        var silent = CreateTestProbe();
        // The timeout is what is under test: a short one keeps the spec quick; nothing waits on it but the ask.
        var client = ClientOn(silent.Ref, TimeSpan.FromMilliseconds(200), data);

        var act = () => client.GetStatusAsync("rose");

        var thrown = (await act.Should().ThrowAsync<NixHumanityTimeoutException>()).Which;
        thrown.Should().BeAssignableTo<TimeoutException>();
        thrown.Request.Should().Be(nameof(GetSessionStatus));
        thrown.InnerException.Should().NotBeNull();
    }

    [Fact]
    public async Task A_restarting_component_gives_ComponentUnavailableException()
    {
        using var data = new TempDataDirectory();
        var restarting = CreateTestProbe();
        var client = ClientOn(restarting.Ref, TimeSpan.FromSeconds(30), data);

        var status = client.GetStatusAsync("rose");
        // Bounds a failure only: the TestKit's default (3 s) is short for the client's first ask on a busy machine.
        restarting.ExpectMsg<GetSessionStatus>(TimeSpan.FromSeconds(30));
        restarting.LastSender.Tell(new TemporarilyUnavailable("rose", "session"));

        (await ((Func<Task>)(() => status)).Should().ThrowAsync<ComponentUnavailableException>()).Which.Reply.Component.Should().Be("session");
    }
}
