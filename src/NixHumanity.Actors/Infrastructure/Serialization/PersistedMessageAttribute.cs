namespace NixHumanity.Actors.Infrastructure.Serialization;

/// <summary>
/// Declares, on the assembly, a type the journal serializer reads and writes (<see cref="NixHumanityJsonSerializer"/>):
/// each area names its own persisted messages beside them, so the serializer needs no reference to the areas and no
/// scan of the assembly's types.
/// </summary>
/// <param name="type">A concrete <see cref="IPersistedMessage"/>.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class PersistedMessageAttribute(Type type) : Attribute
{
    /// <summary>The persisted type.</summary>
    public Type Type { get; } = type;
}
