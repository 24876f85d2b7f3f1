using System.Runtime.CompilerServices;
using Akka.Actor;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// The embedder each actor system created for its memories, so the health checks and
/// <see cref="NixHumanityClient.WarmUpAsync"/> look at the same instance the memories use.
/// </summary>
internal static class SystemEmbedders
{
    private static readonly ConditionalWeakTable<ActorSystem, IEmbedder> Embedders = [];

    /// <summary>Remembers <paramref name="embedder"/> as the one of <paramref name="system"/>.</summary>
    public static void Set(ActorSystem system, IEmbedder embedder) => Embedders.AddOrUpdate(system, embedder);

    /// <summary>The embedder of <paramref name="system"/>, or null when its trees have not started.</summary>
    public static IEmbedder? Of(ActorSystem system) => Embedders.TryGetValue(system, out var embedder) ? embedder : null;
}
