using Akka.Actor;
using Akka.Hosting;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>The user directory of an <see cref="ActorTree"/> as the hosting registry hands it to the client.</summary>
public sealed class RequiredDirectory(IActorRef directory) : IRequiredActor<UserDirectory>
{
    public IActorRef ActorRef => directory;

    public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(directory);
}
