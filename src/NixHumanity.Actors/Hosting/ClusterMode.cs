using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Composes cluster mode (<see cref="ClusterModeOptions"/>) through Akka.Cluster.Hosting: remoting on the configured
/// address, cluster membership from the seed nodes with the split-brain resolver (keep-majority) as downing provider,
/// the shard region of the users (entity id = user id, <see cref="UserMessageExtractor"/>), and
/// <see cref="ShardedUserDirectory"/> at <c>/user/users</c>, registered as the <see cref="UserDirectory"/> so the
/// client and hosts reach users the same way as in a single process. See docs/adr/0018-cluster-mode.md.
/// </summary>
internal static class ClusterMode
{
    /// <summary>The sharded entity type name (the same on every node).</summary>
    public const string TypeName = "users";

    /// <summary>
    /// Adds cluster mode to <paramref name="builder"/>. Call after the actor that creates the system's embedder
    /// (<see cref="SystemEmbedders"/>): Akka.Hosting runs start-up actions in the order they were added.
    /// </summary>
    public static AkkaConfigurationBuilder Add(AkkaConfigurationBuilder builder, NixHumanityOptions options, TimeProvider clock)
    {
        var cluster = options.Cluster;
        // One per node: the entities stage into it, the directory serves its chunks and sweeps what goes idle.
        var staging = new ExportStaging(options.Data.Root, clock, cluster.StagingIdleTimeout);
        var shards = new UserMessageExtractor(cluster.NumberOfShards);
        return builder
            .WithRemoting(cluster.Hostname, cluster.Port)
            .WithClustering(new ClusterOptions
            {
                SeedNodes = [.. cluster.SeedNodes],
                Roles = [.. cluster.Roles],
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .WithShardRegion<UserEntity>(TypeName, (system, _) =>
                {
                    var settings = options.ToUserSettings(Embedder(system));
                    var forget = ClusterForget.Erase(system, settings, options.AskTimeout);
                    return userId => UserEntity.Props(userId, id => UserActor.Props(id, settings, clock), forget, staging, options.AskTimeout);
                },
                shards,
                new ShardOptions
                {
                    // Coordinator state in distributed data: nothing of sharding itself goes to the journal.
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = false,
                    // A hand-off stops the tree through its mailbox, so writes in flight finish before the user moves.
                    HandOffStopMessage = StopUserTree.Instance,
                    // The tree passivates itself after PassivationTimeout (UserEntity turns that into the shard's Passivate).
                    ShouldPassivateIdleEntities = false,
                })
            .WithActors((system, registry) =>
            {
                var settings = options.ToUserSettings(Embedder(system));
                var front = system.ActorOf(
                    ShardedUserDirectory.Props(registry.Get<UserEntity>(), Embedder(system).Dispose, options.AskTimeout, ClusterForget.DeleteStaleCopies(settings), ClusterForget.LocalUsers(settings),
                        staging, clock, shards),
                    "users");
                registry.Register<UserDirectory>(front);
            });
    }

    private static Embeddings.IEmbedder Embedder(Akka.Actor.ActorSystem system) =>
        SystemEmbedders.Of(system) ?? throw new InvalidOperationException("The embedder of the actor system was not created before the shard region.");
}
