using System.Runtime.CompilerServices;
using Akka.Actor;

namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// The actor system's embedding services: one <see cref="EmbeddingBatcher"/> per embedder instance, started on first
/// use as a system actor on the <see cref="DispatcherId"/> dispatcher (its own thread, neither the default dispatcher
/// the sessions and the journal use nor the store dispatcher of the memories), and shared by every memory of the system.
/// An Akka extension: <c>EmbeddingService.Get(system).For(embedder)</c>.
/// </summary>
internal sealed class EmbeddingService : IExtension
{
    /// <summary>The dispatcher the services run on (configured in <c>hocon/akka.conf</c>).</summary>
    public const string DispatcherId = "nixh.embedding-dispatcher";

    /// <summary>Where the service's settings are read (<c>max-batch-texts</c>, <c>window</c>).</summary>
    public const string ConfigPath = "nixh.embedding-service";

    private readonly ExtendedActorSystem _system;
    private readonly ConditionalWeakTable<IEmbedder, IActorRef> _services = [];
    private readonly Lock _gate = new();
    private int _count;

    /// <summary>Created by <see cref="EmbeddingServiceProvider"/> once per actor system.</summary>
    /// <param name="system">The actor system.</param>
    public EmbeddingService(ExtendedActorSystem system)
    {
        _system = system;
        var config = system.Settings.Config.GetConfig(ConfigPath);
        Settings = new EmbeddingServiceSettings(
            config?.GetInt("max-batch-texts", EmbeddingServiceSettings.Default.MaxBatchTexts) ?? EmbeddingServiceSettings.Default.MaxBatchTexts,
            config?.GetTimeSpan("window", EmbeddingServiceSettings.Default.Window) ?? EmbeddingServiceSettings.Default.Window);
        Settings.Validate();
    }

    /// <summary>The settings every service of this system uses.</summary>
    public EmbeddingServiceSettings Settings { get; }

    /// <summary>The extension of <paramref name="system"/>.</summary>
    /// <param name="system">The actor system.</param>
    public static EmbeddingService Get(ActorSystem system) => system.WithExtension<EmbeddingService, EmbeddingServiceProvider>();

    /// <summary>The service embedding with <paramref name="embedder"/>, started on the first call.</summary>
    /// <param name="embedder">The system's embedder (one service per instance).</param>
    public IActorRef For(IEmbedder embedder)
    {
        lock (_gate)
        {
            if (_services.TryGetValue(embedder, out var existing))
            {
                return existing;
            }

            var props = EmbeddingBatcher.Props(embedder, Settings);
            if (_system.Dispatchers.HasDispatcher(DispatcherId))
            {
                props = props.WithDispatcher(DispatcherId);
            }

            var service = _system.SystemActorOf(props, $"embeddings-{++_count}");
            _services.Add(embedder, service);
            return service;
        }
    }
}

/// <summary>Creates the <see cref="EmbeddingService"/> of an actor system.</summary>
internal sealed class EmbeddingServiceProvider : ExtensionIdProvider<EmbeddingService>
{
    /// <inheritdoc />
    public override EmbeddingService CreateExtension(ExtendedActorSystem system) => new(system);
}
