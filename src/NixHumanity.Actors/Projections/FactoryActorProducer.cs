using Akka.Actor;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// Creates an actor with a factory, for constructors Akka's reflection cannot call (the projection actors' internal
/// constructors take an internal <see cref="IJournalSource"/>). Props built with it are local only, as all of ours are.
/// </summary>
/// <typeparam name="TActor">The actor type.</typeparam>
/// <param name="factory">Creates a new instance (called again on every restart).</param>
internal sealed class FactoryActorProducer<TActor>(Func<TActor> factory) : IIndirectActorProducer
    where TActor : ActorBase
{
    /// <inheritdoc />
    public Type ActorType => typeof(TActor);

    /// <summary>Props creating the actor with <paramref name="create"/>.</summary>
    /// <param name="create">Creates a new instance.</param>
    public static Props Props(Func<TActor> create) => Akka.Actor.Props.CreateBy(new FactoryActorProducer<TActor>(create));

    /// <inheritdoc />
    public ActorBase Produce() => factory();

    /// <inheritdoc />
    public void Release(ActorBase actor)
    {
    }
}
