using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// The projections notice a journal that is not the one they were built from (emptied, an older copy, another
/// journal): they set their stores aside, rebuild from the journal as it is, report the loss, and new acknowledged
/// writes reach search and analytics.
/// </summary>
public sealed class JournalIdentitySpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly TempDataDirectory _other = new();

    public void Dispose()
    {
        _data.Dispose();
        _other.Dispose();
    }

    private string Journal(string root) => new DataDirectory(root).JournalDatabase;

    /// <summary>Records one install per package; returns the session's last sequence number (flow events count too).</summary>
    private static async Task<long> RecordAsync(ActorTree tree, string userId, params string[] packages)
    {
        foreach (var package in packages)
        {
            await tree.RecordAsync(userId, $"install {package}", command: $"nix-env -iA nixpkgs.{package}");
        }

        return (await tree.StatusAsync(userId)).SequenceNr;
    }

    private static async Task<(ProjectionStatus Memory, AnalyticsCounts Learner)> ProjectionsAsync(ActorTree tree, string userId) =>
        (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus(userId)), await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts(userId)));

    /// <summary>
    /// Records three installs for ann and copies the journal; records three more (the projections apply them); puts the
    /// copy back. Returns the copy's last sequence number and the one the projections had applied.
    /// </summary>
    private async Task<(long BackedUp, long Applied)> RestoreAnOlderCopyAsync()
    {
        var backup = _other.File("journal-backup.db");
        long backedUp;
        long applied;
        await using (var first = ActorTree.Start(_data.Path))
        {
            backedUp = await RecordAsync(first, "ann", "vim", "git", "htop");
            await ProjectionsAsync(first, "ann");
        }

        JournalFile.Copy(Journal(_data.Path), backup);
        await using (var second = ActorTree.Start(_data.Path))
        {
            applied = await RecordAsync(second, "ann", "curl", "jq", "ripgrep");
            (await ProjectionsAsync(second, "ann")).Memory.LastSequenceNr.Should().Be(applied);
        }

        JournalFile.Copy(backup, Journal(_data.Path));
        return (backedUp, applied);
    }

    /// <summary>
    /// The store files set aside in the component's folder. A store closed without a checkpoint keeps its write-ahead
    /// log (docs/adr/0033), and setting it aside moves that log along under the same name plus <c>.wal</c>: the log
    /// is part of the store set aside, not a second one.
    /// </summary>
    private string[] SetAside(string userId, string component, string file) =>
        Directory.GetFiles(Path.Combine(_data.Path, "users", userId, component), file + ".*-2*")
            .Where(f => !f.EndsWith(".wal", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task The_journal_gets_an_identity_when_prepared_and_keeps_it()
    {
        await using (ActorTree.Start(_data.Path))
        {
        }

        var location = new JournalLocation(JournalProvider.Sqlite, SqliteJournal.ConnectionStringFor(Journal(_data.Path)));
        var identity = JournalIdentity.Ensure(location, TimeProvider.System);
        Guid.TryParse(identity, out _).Should().BeTrue();
        await using (ActorTree.Start(_data.Path))
        {
        }

        JournalIdentity.Ensure(location, TimeProvider.System).Should().Be(identity);
    }

    [Fact]
    public async Task A_restart_on_the_same_journal_rebuilds_nothing_and_reports_nothing()
    {
        await using (var first = ActorTree.Start(_data.Path))
        {
            await RecordAsync(first, "ann", "vim", "git");
            await ProjectionsAsync(first, "ann");
        }

        await using var second = ActorTree.Start(_data.Path);
        var (memory, learner) = await ProjectionsAsync(second, "ann");
        memory.LastSequenceNr.Should().BeGreaterThanOrEqualTo(2);
        memory.EventsApplied.Should().Be(0, "nothing was rebuilt");
        learner.Checkpoint.Should().Be(memory.LastSequenceNr);
        second.Client().JournalLosses().Should().BeEmpty();
        SetAside("ann", "memory", VectorMemoryStore.FileName).Should().BeEmpty();
    }

    [Fact]
    public async Task An_emptied_journal_is_noticed_and_new_acknowledged_writes_reach_search_and_analytics()
    {
        long applied;
        await using (var first = ActorTree.Start(_data.Path))
        {
            applied = await RecordAsync(first, "ann", "vim", "git", "htop", "curl", "jq");
            (await ProjectionsAsync(first, "ann")).Memory.LastSequenceNr.Should().Be(applied);
        }

        JournalFile.Empty(Journal(_data.Path));

        await using var second = ActorTree.Start(_data.Path);
        (await second.RecordAsync("ann", "install firefox", command: "nix-env -iA nixpkgs.firefox")).SequenceNr.Should().Be(1);
        (await second.RecordAsync("ann", "install emacs", command: "nix-env -iA nixpkgs.emacs")).SequenceNr.Should().Be(2);

        var now = (await second.StatusAsync("ann")).SequenceNr;
        var (memory, learner) = await ProjectionsAsync(second, "ann");
        memory.LastSequenceNr.Should().Be(now);
        memory.Rows.Should().Be(2, "the old memories were set aside with the store");
        learner.Checkpoint.Should().Be(now);
        learner.Tables["interactions"].Should().Be(2);
        var found = await second.AskAsync<MemorySearched>(new SearchMemory("ann", "install firefox", 5));
        found.Results.Select(r => r.Command).Should().BeEquivalentTo(["nix-env -iA nixpkgs.firefox", "nix-env -iA nixpkgs.emacs"]);

        var losses = second.Client().JournalLosses();
        losses.Select(l => l.Component).Should().BeEquivalentTo(["memory", "learner"]);
        losses.Should().OnlyContain(l => l.UserId == "ann" && l.AppliedThrough == applied && l.JournalHighest <= 2 && l.Reason == "other-journal",
            "an emptied journal is a new database with a new identity");
        SetAside("ann", "memory", VectorMemoryStore.FileName).Should().ContainSingle().Which.Should().Contain(".other-journal-");
        SetAside("ann", "learner", "analytics.duckdb").Should().ContainSingle();
    }

    [Fact]
    public async Task A_journal_restored_from_an_older_copy_is_noticed_and_the_projections_follow_it()
    {
        var (backedUp, applied) = await RestoreAnOlderCopyAsync();

        await using var third = ActorTree.Start(_data.Path);
        await third.RecordAsync("ann", "install firefox", command: "nix-env -iA nixpkgs.firefox");
        var firefox = (await third.StatusAsync("ann")).SequenceNr;
        firefox.Should().BeGreaterThan(backedUp).And.BeLessThan(applied, "the journal went back to the copy");
        var (memory, learner) = await ProjectionsAsync(third, "ann");
        memory.LastSequenceNr.Should().Be(firefox);
        memory.Rows.Should().Be(4);
        learner.Checkpoint.Should().Be(firefox);
        learner.Tables["interactions"].Should().Be(4);
        var found = await third.AskAsync<MemorySearched>(new SearchMemory("ann", "install firefox", 1));
        found.Results.Single().Command.Should().Be("nix-env -iA nixpkgs.firefox");

        var losses = third.Client().JournalLosses();
        losses.Should().HaveCount(2).And.OnlyContain(l => l.Reason == "journal-behind" && l.AppliedThrough == applied && l.JournalHighest < applied);
        SetAside("ann", "memory", VectorMemoryStore.FileName).Should().ContainSingle().Which.Should().Contain(".journal-behind-");
    }

    [Fact]
    public async Task A_journal_restored_from_an_older_copy_and_written_to_since_is_noticed_at_the_same_sequence_number()
    {
        var (_, applied) = await RestoreAnOlderCopyAsync();

        // Written with only the session running (a `nixh record` in its own process): the projections do not see these
        // events until they next start, when the journal has reached their checkpoint again with other events.
        long rewritten;
        await using (var recorder = ActorTree.Start(_data.Path, o => o.StartComponentsOnDemand = true))
        {
            rewritten = await RecordAsync(recorder, "ann", "firefox", "gimp", "inkscape", "vlc");
        }

        rewritten.Should().BeGreaterThanOrEqualTo(applied, "the journal reached the projections' checkpoint again");
        await using var third = ActorTree.Start(_data.Path);
        var (memory, learner) = await ProjectionsAsync(third, "ann");
        memory.LastSequenceNr.Should().Be(rewritten);
        memory.Rows.Should().Be(7, "the three installs of the copy and the four written after it, none of the lost three");
        learner.Checkpoint.Should().Be(rewritten);
        learner.Tables["interactions"].Should().Be(7);
        var found = await third.AskAsync<MemorySearched>(new SearchMemory("ann", "install inkscape", 1));
        found.Results.Single().Command.Should().Be("nix-env -iA nixpkgs.inkscape");
        var lost = await third.AskAsync<MemorySearched>(new SearchMemory("ann", "install ripgrep", 10));
        lost.Results.Select(r => r.Command).Should().NotContain("nix-env -iA nixpkgs.ripgrep", "that install is gone from the journal");

        var losses = third.Client().JournalLosses();
        losses.Should().HaveCount(2).And.OnlyContain(l => l.Reason == "journal-diverged" && l.AppliedThrough == applied);
        SetAside("ann", "memory", VectorMemoryStore.FileName).Should().ContainSingle().Which.Should().Contain(".journal-diverged-");
        SetAside("ann", "learner", "analytics.duckdb").Should().ContainSingle().Which.Should().Contain(".journal-diverged-");
    }

    [Fact]
    public async Task A_restart_after_new_writes_on_the_same_journal_finds_the_fingerprint_it_stored_and_rebuilds_nothing()
    {
        await using (var first = ActorTree.Start(_data.Path))
        {
            await RecordAsync(first, "ann", "vim", "git");
            await ProjectionsAsync(first, "ann");
        }

        long written;
        await using (var recorder = ActorTree.Start(_data.Path, o => o.StartComponentsOnDemand = true))
        {
            written = await RecordAsync(recorder, "ann", "htop", "curl");
        }

        await using var second = ActorTree.Start(_data.Path);
        var (memory, learner) = await ProjectionsAsync(second, "ann");
        memory.LastSequenceNr.Should().Be(written);
        memory.Rows.Should().Be(4);
        learner.Tables["interactions"].Should().Be(4);
        second.Client().JournalLosses().Should().BeEmpty();
        SetAside("ann", "memory", VectorMemoryStore.FileName).Should().BeEmpty();
    }

    [Fact]
    public async Task Another_journal_with_more_events_is_noticed_by_its_identity()
    {
        long applied;
        long theirs;
        await using (var first = ActorTree.Start(_data.Path))
        {
            applied = await RecordAsync(first, "ann", "vim", "git");
            await ProjectionsAsync(first, "ann");
        }

        await using (var elsewhere = ActorTree.Start(_other.Path))
        {
            theirs = await RecordAsync(elsewhere, "ann", "curl", "jq", "ripgrep", "fd");
        }

        JournalFile.Copy(Journal(_other.Path), Journal(_data.Path));

        await using var second = ActorTree.Start(_data.Path);
        var (memory, learner) = await ProjectionsAsync(second, "ann");
        memory.LastSequenceNr.Should().Be(theirs);
        memory.Rows.Should().Be(4);
        learner.Tables["interactions"].Should().Be(4, "only the other journal's interactions, none of the old store's");
        var found = await second.AskAsync<MemorySearched>(new SearchMemory("ann", "install vim", 5));
        found.Results.Should().NotContain(r => r.Command == "nix-env -iA nixpkgs.vim");
        second.Client().JournalLosses().Should().HaveCount(2).And.OnlyContain(l => l.Reason == "other-journal" && l.AppliedThrough == applied);
    }
}
