using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace NixHumanity.Actors.Infrastructure.Serialization;

/// <summary>
/// Carries the library's messages and replies between the nodes of a cluster (docs/adr/0018) as System.Text.Json,
/// with the type's full name as manifest. Only the library's own record types are written or read, so a manifest
/// can never make a node load an arbitrary type. Journaled events keep <see cref="NixHumanityJsonSerializer"/>.
/// </summary>
/// <remarks>
/// Akka's default JSON serializer (Newtonsoft with type names) was tried first and rejected: it writes the runtime
/// type of every collection, and the compiler's types behind collection expressions (<c>[x]</c> as an
/// <c>IReadOnlyList</c>) cannot be created on the other side, so an acknowledgement releasing a notification was lost.
/// System.Text.Json reads a declared list type into a list of its own.
/// </remarks>
internal sealed class NixHumanityWireSerializer : SerializerWithStringManifest
{
    private static readonly JsonSerializerOptions Options = new(NixHumanityJsonSerializer.JsonOptions)
    {
        Converters = { new PrimitiveObjectConverter() },
    };

    private static readonly FrozenDictionary<string, Type> TypesByManifest = WireTypes().ToFrozenDictionary(t => t.FullName!, StringComparer.Ordinal);

    /// <summary>Created by Akka's serialization extension.</summary>
    public NixHumanityWireSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    /// <summary>
    /// The types this serializer carries: the library's records (messages and replies, public or internal, top-level or
    /// nested public) that are not journaled.
    /// </summary>
    public static IEnumerable<Type> WireTypes() => typeof(NixHumanityWireSerializer).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false, FullName: not null }
                    && (!t.IsNested || t.IsNestedPublic)
                    && t.GetMethod("<Clone>$") is not null
                    && !typeof(IPersistedMessage).IsAssignableFrom(t));

    /// <inheritdoc />
    public override string Manifest(object o) => o.GetType().FullName!;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) =>
        TypesByManifest.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Options) ?? throw new SerializationException($"Message '{manifest}' deserialized to null.")
            : throw new SerializationException($"Unknown manifest '{manifest}': not a message type of this library.");
}
