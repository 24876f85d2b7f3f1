using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>User-tree settings for behavioural specs whose children are stand-ins: nothing here is opened.</summary>
public static class SpecUserSettings
{
    internal static UserSettings With(TimeSpan? passivation = null, TimeSpan? minBackoff = null, TimeSpan? maxBackoff = null) => new(
        new DataDirectory(Path.Combine(Path.GetTempPath(), "nixh-tests", "never-opened")),
        new SessionSettings(new FlowOptions(), SnapshotInterval: 100),
        passivation ?? TimeSpan.FromHours(1),
        minBackoff ?? TimeSpan.FromSeconds(1),
        maxBackoff ?? TimeSpan.FromSeconds(10),
        new MemorySettings(new HashedNGramEmbedder(), new MemoryOptions()),
        new JournalLocation(JournalProvider.Sqlite, "Data Source=never-opened.db"));
}
