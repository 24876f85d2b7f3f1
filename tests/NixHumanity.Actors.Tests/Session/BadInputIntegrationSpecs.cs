using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Session;

public sealed class BadInputIntegrationSpecs : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static RecordInteraction Valid(string userId = "alice") => new(userId, "s1", "install firefox", "nix-env -iA nixpkgs.firefox", Outcome: InteractionOutcome.Success);

    public static TheoryData<string, Func<object>, string, string> Cases() => new()
    {
        { "user id with a space", () => Valid("bad id"), "userId", "must match [A-Za-z0-9_-]{1,64}" },
        { "user id with a path", () => Valid("../etc"), "userId", "must match [A-Za-z0-9_-]{1,64}" },
        { "user id too long", () => Valid(new string('a', 65)), "userId", "must match [A-Za-z0-9_-]{1,64}" },
        { "empty user id", () => Valid(""), "userId", "must match [A-Za-z0-9_-]{1,64}" },
        { "session id with a slash", () => Valid() with { SessionId = "a/b" }, "sessionId", "must match [A-Za-z0-9_-]{1,64}" },
        { "empty text", () => Valid() with { Text = "" }, "text", "must not be empty" },
        { "blank text", () => Valid() with { Text = "  \t " }, "text", "must not be empty" },
        { "huge text", () => Valid() with { Text = new string('x', 4097) }, "text", "must be at most 4096 characters" },
        { "NaN flow score", () => Valid() with { FlowScore = double.NaN }, "flowScore", "must be a finite number (not NaN or infinity)" },
        { "infinite flow score", () => Valid() with { FlowScore = double.PositiveInfinity }, "flowScore", "must be a finite number (not NaN or infinity)" },
        { "negative flow score", () => Valid() with { FlowScore = -0.01 }, "flowScore", "must be between 0 and 1" },
        { "flow score above one", () => Valid() with { FlowScore = 1.01 }, "flowScore", "must be between 0 and 1" },
        { "NaN HRV", () => Valid() with { HrvCoherence = double.NaN }, "hrvCoherence", "must be a finite number (not NaN or infinity)" },
        { "attention above one", () => Valid() with { Attention = 2 }, "attention", "must be between 0 and 1" },
        { "unknown outcome", () => Valid() with { Outcome = (InteractionOutcome)42 }, "outcome", InteractionOutcomes.Rule },
        { "timestamp before 2000", () => Valid() with { Timestamp = new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero) }, "timestamp", "must not be before 2000-01-01" },
        { "timestamp two days ahead", () => Valid() with { Timestamp = Now.AddDays(2) }, "timestamp", "must not be more than one day in the future" },
        { "empty notification source", () => new RecordNotification("alice", ""), "source", "must not be empty" },
        { "notification from the future", () => new RecordNotification("alice", "mail", Now.AddDays(3)), "timestamp", "must not be more than one day in the future" },
        { "status of an invalid user", () => new GetSessionStatus("a b"), "userId", "must match [A-Za-z0-9_-]{1,64}" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_rejected_naming_field_and_rule_and_nothing_is_persisted(string because, Func<object> message, string field, string rule)
    {
        await using var tree = ActorTree.Start(_data.Path);
        await tree.RecordAsync("alice", "a valid request first");
        var journalRows = JournalFile.CountRows(tree.Options.Data.JournalDatabase, "journal");
        var statusBefore = await tree.StatusAsync("alice");

        var reply = await tree.AskAsync((IUserMessage)message());

        reply.Should().Be(new CommandRejected(field, rule), because);
        JournalFile.CountRows(tree.Options.Data.JournalDatabase, "journal").Should().Be(journalRows);
        (await tree.StatusAsync("alice")).Should().BeEquivalentTo(statusBefore);
        // No folder for anyone else; alice's own appears once a projection applied her record (stores open lazily).
        var users = tree.Options.Data.UsersFolder;
        (Directory.Exists(users) ? Directory.GetDirectories(users).Select(Path.GetFileName) : []).Should().BeSubsetOf(["alice"]);
    }

    [Fact]
    public async Task Boundary_values_are_accepted()
    {
        await using var tree = ActorTree.Start(_data.Path);

        var ack = await tree.AskAsync(Valid(new string('a', 64)) with
        {
            Text = new string('x', 4096),
            FlowScore = 0,
            HrvCoherence = 1,
            Attention = 0,
            Timestamp = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
        });

        ack.Should().BeOfType<InteractionAcknowledged>();
    }
}
