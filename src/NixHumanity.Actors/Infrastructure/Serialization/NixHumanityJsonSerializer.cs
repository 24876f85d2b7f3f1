using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace NixHumanity.Actors.Infrastructure.Serialization;

/// <summary>
/// Stores journaled events and snapshots as JSON with a stable string manifest (the type's short name).
/// Plain JSON keeps the journal readable by export and by people with a SQL prompt, and the manifest does not
/// change when a namespace or assembly moves.
/// </summary>
internal sealed class NixHumanityJsonSerializer : SerializerWithStringManifest
{
    /// <summary>JSON settings shared by the journal serializer and the JSON-lines export.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// Every type written to the journal or the snapshot store, as its area declares it
    /// (<see cref="PersistedMessageAttribute"/> on the assembly). Declared, not discovered: scanning the assembly's
    /// types (as this did) loads every type of the library and the assemblies their signatures name (Parquet, Akka's
    /// cluster sharding), which a verb in its own process paid for at its first journal read and never used. A spec
    /// checks that the declarations name every <see cref="IPersistedMessage"/> of the assembly.
    /// </summary>
    internal static readonly IReadOnlyList<Type> PersistedTypes = typeof(IPersistedMessage).Assembly
        .GetCustomAttributes(typeof(PersistedMessageAttribute), inherit: false)
        .Cast<PersistedMessageAttribute>()
        .Select(attribute => attribute.Type)
        .ToList();

    private static readonly FrozenDictionary<string, Type> TypesByManifest = PersistedTypes.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>Created by Akka's serialization extension.</summary>
    public NixHumanityJsonSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    /// <inheritdoc />
    public override string Manifest(object o) => o.GetType().Name;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), JsonOptions);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypesByManifest.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"Unknown manifest '{manifest}': no persisted message type has that name.");
        }

        return JsonSerializer.Deserialize(bytes, type, JsonOptions)
               ?? throw new SerializationException($"Journal entry with manifest '{manifest}' deserialized to null.");
    }

    /// <summary>Resolves a manifest to its type, for readers of the raw journal (export, forget verification).</summary>
    public static bool TryGetType(string manifest, out Type type) => TypesByManifest.TryGetValue(manifest, out type!);
}
