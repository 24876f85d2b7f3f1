using NixHumanity.Actors.Infrastructure.Serialization;

namespace NixHumanity.Actors.Tests.Infrastructure;

public sealed class NixHumanityJsonSerializerSpecs
{
    [Fact]
    public void The_listed_persisted_types_are_every_persisted_message_of_the_library()
    {
        // The serializer reads its declared types instead of scanning the assembly (a scan loads every type and the assemblies
        // their signatures name); a persisted type added without being listed could not be read back from the journal.
        var discovered = typeof(IPersistedMessage).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IPersistedMessage).IsAssignableFrom(t))
            .ToList();

        NixHumanityJsonSerializer.PersistedTypes.Should().BeEquivalentTo(discovered, "every persisted type is declared with [assembly: PersistedMessage]");
        NixHumanityJsonSerializer.PersistedTypes.Select(t => t.Name).Should().OnlyHaveUniqueItems("the manifest is the type's short name");
    }
}
