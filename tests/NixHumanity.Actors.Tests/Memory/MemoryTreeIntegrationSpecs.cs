using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>The memory actor through the real actor tree: projection, search, time travel, recovery, learner messages.</summary>
public sealed class MemoryTreeIntegrationSpecs : IDisposable
{
    internal static readonly (string Text, string Command, InteractionOutcome Outcome)[] RoseDay =
    [
        ("um I would like the fire fox browser please", "nix-env -iA nixpkgs.firefox", InteractionOutcome.Success),
        ("can you make the words on my screen bigger", "gsettings set org.gnome.desktop.interface text-scaling-factor 1.25", InteractionOutcome.Success),
        ("how do i update my computer", "sudo nixos-rebuild switch --upgrade", InteractionOutcome.Success),
        ("the sound is not working", "systemctl --user restart pipewire", InteractionOutcome.Failure),
        ("install vlc media player", "nix-env -iA nixpkgs.vlc", InteractionOutcome.Success),
        ("my wifi stopped working", "systemctl restart NetworkManager", InteractionOutcome.Success),
    ];

    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    internal static async Task RecordDayAsync(ActorTree tree, string userId)
    {
        foreach (var (text, command, outcome) in RoseDay)
        {
            await tree.RecordAsync(userId, text, outcome, command: command);
        }
    }

    internal static Task<MemorySearched> SearchAsync(ActorTree tree, string userId, string query, int limit = 5, string? where = null, string? asOf = null) =>
        tree.AskAsync<MemorySearched>(new SearchMemory(userId, query, limit, where, asOf));

    internal static Task<ProjectionStatus> StatusAsync(ActorTree tree, string userId) =>
        tree.AskAsync<ProjectionStatus>(new GetMemoryStatus(userId));

    internal static string MemoryFile(string dataPath, string userId) => Path.Combine(dataPath, "users", userId, "memory", VectorMemoryStore.FileName);

    private string MemoryFile(string userId) => MemoryFile(_data.Path, userId);

    [Theory]
    [InlineData("instal fire fox", "nix-env -iA nixpkgs.firefox")]
    [InlineData("um can i get the fire fox thing", "nix-env -iA nixpkgs.firefox")]
    [InlineData("i want the firefox browser", "nix-env -iA nixpkgs.firefox")]
    [InlineData("make the text bigger", "gsettings set org.gnome.desktop.interface text-scaling-factor 1.25")]
    [InlineData("instal vlc", "nix-env -iA nixpkgs.vlc")]
    [InlineData("the wifi is not working", "systemctl restart NetworkManager")]
    public async Task Search_finds_recorded_commands_by_meaning_and_typos(string query, string expected)
    {
        await using var tree = ActorTree.Start(_data.Path);
        await RecordDayAsync(tree, "rose");

        var found = await SearchAsync(tree, "rose", query, limit: 3);

        found.Results.Should().NotBeEmpty();
        found.Results[0].Command.Should().Be(expected);
        found.Results.Select(r => r.Score).Should().BeInDescendingOrder();
        found.Results.Select(r => r.Id).Should().OnlyHaveUniqueItems();
        found.Version.Should().Be((await StatusAsync(tree, "rose")).Version);
        found.UserId.Should().Be("rose");
    }

    [Fact]
    public async Task Re_recording_a_command_updates_its_statistics_and_never_duplicates_it()
    {
        await using var tree = ActorTree.Start(_data.Path);
        const string firefox = "nix-env -iA nixpkgs.firefox";
        await tree.RecordAsync("rose", "install firefox", InteractionOutcome.Success, command: firefox);
        await tree.RecordAsync("rose", "get me the fire fox browser", InteractionOutcome.Failure, command: firefox);
        await tree.RecordAsync("rose", "firefox again please", InteractionOutcome.Success, command: firefox);
        await tree.RecordAsync("rose", "firefox, whatever happened", InteractionOutcome.Unknown, command: firefox);
        await tree.RecordAsync("rose", "install vlc", InteractionOutcome.Success, command: "nix-env -iA nixpkgs.vlc");

        var embeddings = await tree.AskAsync<CommandEmbeddings>(new GetCommandEmbeddings("rose"));
        embeddings.Commands.Should().HaveCount(2);
        var memory = embeddings.Commands.Single(c => c.Command == firefox);
        memory.Attempts.Should().Be(3, "an unreported outcome adds no attempt");
        memory.Successes.Should().Be(2);
        memory.SuccessRate.Should().BeApproximately(2.0 / 3, 1e-9);
        memory.Vector.Should().HaveCount(384);

        var found = await SearchAsync(tree, "rose", "firefox", limit: 10);
        found.Results.Count(r => r.Command == firefox).Should().Be(1);
        var hit = found.Results.Single(r => r.Command == firefox);
        hit.SuccessRate.Should().BeApproximately(2.0 / 3, 1e-9);
        hit.Text.Should().Be("firefox, whatever happened", "the latest phrasing is kept");
        (await StatusAsync(tree, "rose")).Rows.Should().Be(2);
    }

    [Fact]
    public async Task A_where_prefilter_restricts_the_candidates_and_a_malformed_or_unsafe_one_is_rejected_with_field_and_rule()
    {
        await using var tree = ActorTree.Start(_data.Path);
        await RecordDayAsync(tree, "rose");
        var before = await StatusAsync(tree, "rose");

        var all = await SearchAsync(tree, "rose", "sound is broken", limit: 10);
        var filtered = await SearchAsync(tree, "rose", "sound is broken", limit: 10, where: "success_rate > 0.8 AND command LIKE '%nix%'");

        all.Results.Should().Contain(r => r.Command == "systemctl --user restart pipewire");
        filtered.Results.Should().NotBeEmpty()
            .And.OnlyContain(r => r.SuccessRate > 0.8 && r.Command.Contains("nix"));
        filtered.Results.Should().HaveCount(RoseDay.Count(d => d.Outcome == InteractionOutcome.Success && d.Command.Contains("nix")));

        foreach (var bad in new[] { "success_rate >", "1=1; DROP TABLE command_embeddings", "read_csv('/etc/passwd') IS NOT NULL", "password > 1", "   " })
        {
            var reply = await tree.AskAsync(new SearchMemory("rose", "sound", Where: bad));
            var rejected = reply.Should().BeOfType<CommandRejected>().Subject;
            rejected.Field.Should().Be("where", bad);
            rejected.Rule.Should().NotBeNullOrWhiteSpace();
        }

        var after = await StatusAsync(tree, "rose");
        after.Version.Should().Be(before.Version);
        after.Rows.Should().Be(before.Rows);
    }

    [Theory]
    [InlineData("", 5, null, "query")]
    [InlineData("   ", 5, null, "query")]
    [InlineData("firefox", 0, null, "limit")]
    [InlineData("firefox", -3, null, "limit")]
    [InlineData("firefox", 1001, null, "limit")]
    [InlineData("firefox", 5, "yesterday-ish", "asOf")]
    [InlineData("firefox", 5, "999", "asOf")]
    public async Task Bad_search_input_is_rejected_naming_the_field(string query, int limit, string? asOf, string field)
    {
        await using var tree = ActorTree.Start(_data.Path);
        await RecordDayAsync(tree, "rose");

        var reply = await tree.AskAsync(new SearchMemory("rose", query, limit, AsOf: asOf));

        reply.Should().BeOfType<CommandRejected>().Which.Field.Should().Be(field);
    }

    [Fact]
    public async Task As_of_reads_an_older_version_by_number_and_the_live_version_by_time()
    {
        await using var tree = ActorTree.Start(_data.Path);
        await tree.RecordAsync("sarah", "install jupyter with numpy", command: "nix-shell -p python3Packages.jupyter");
        var early = await StatusAsync(tree, "sarah");
        await tree.RecordAsync("sarah", "install jupyter lab with pandas", command: "nix-shell -p python3Packages.jupyterlab");
        await tree.RecordAsync("sarah", "install jupyter with numpy again", InteractionOutcome.Failure, command: "nix-shell -p python3Packages.jupyter");
        var late = await StatusAsync(tree, "sarah");
        late.Version.Should().BeGreaterThan(early.Version!.Value);

        var then = await SearchAsync(tree, "sarah", "jupyter", limit: 10, asOf: early.Version!.Value.ToString());
        var now = await SearchAsync(tree, "sarah", "jupyter", limit: 10);
        var byTime = await SearchAsync(tree, "sarah", "jupyter", limit: 10, asOf: DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"));

        then.Version.Should().Be(early.Version);
        then.Results.Should().ContainSingle().Which.Should().Match<MemoryHit>(h =>
            h.Command == "nix-shell -p python3Packages.jupyter" && h.SuccessRate == 1.0 && h.Text == "install jupyter with numpy");
        now.Version.Should().Be(late.Version);
        now.Results.Should().HaveCount(2);
        now.Results.Single(h => h.Command == "nix-shell -p python3Packages.jupyter").SuccessRate.Should().Be(0.5);
        byTime.Version.Should().Be(late.Version);
    }

    [Fact]
    public async Task Compact_reports_the_time_travel_it_removes_and_old_versions_are_then_rejected()
    {
        await using var tree = ActorTree.Start(_data.Path);
        await RecordDayAsync(tree, "rose");
        var status = await StatusAsync(tree, "rose");

        var compacted = await tree.AskAsync<MemoryCompacted>(new CompactMemory("rose"));
        var again = await tree.AskAsync<MemoryCompacted>(new CompactMemory("rose"));
        var tooNew = await tree.AskAsync(new CompactMemory("rose", status.Version + 5));

        compacted.Report.VersionsRemoved.Should().BeGreaterThan(0);
        compacted.Report.OldestReadableVersion.Should().Be(status.Version);
        compacted.Report.CurrentVersion.Should().Be(status.Version);
        compacted.Report.Summary.Should().Contain("no longer possible");
        again.Report.VersionsRemoved.Should().Be(0);
        tooNew.Should().BeOfType<CommandRejected>().Which.Field.Should().Be("upToVersion");
        (await tree.AskAsync(new SearchMemory("rose", "firefox", AsOf: (status.Version - 1).ToString())))
            .Should().BeOfType<CommandRejected>().Which.Field.Should().Be("asOf");
        (await SearchAsync(tree, "rose", "instal fire fox")).Results[0].Command.Should().Be("nix-env -iA nixpkgs.firefox");
    }

    [Fact]
    public async Task Once_record_returned_a_search_by_the_same_user_finds_it_even_while_the_memory_catches_up()
    {
        await using (var first = ActorTree.Start(_data.Path))
        {
            for (var i = 0; i < 150; i++)
            {
                await first.RecordAsync("maya", $"old request number {i}", command: $"old-command-{i}");
            }
        }

        // A missing store makes the fresh tree replay 150 events, so the next record and search arrive mid-catch-up.
        // (The first tree may have stopped before its memory opened the store at all: stores open lazily.)
        if (File.Exists(MemoryFile("maya")))
        {
            File.Delete(MemoryFile("maya"));
        }
        await using var tree = ActorTree.Start(_data.Path);
        for (var i = 0; i < 20; i++)
        {
            var text = $"brand new request {i} zqx{i}yv";
            await tree.RecordAsync("maya", text, command: $"new-command-{i}");
            var found = await SearchAsync(tree, "maya", text, limit: 1);
            found.Results.Should().ContainSingle().Which.Command.Should().Be($"new-command-{i}");
        }

        (await StatusAsync(tree, "maya")).Rows.Should().Be(170);
    }

    [Fact]
    public async Task A_burst_of_concurrent_records_is_remembered_exactly_once_and_visible_to_the_next_search()
    {
        const int total = 200;
        await using var tree = ActorTree.Start(_data.Path);
        var acks = await Task.WhenAll(Enumerable.Range(0, total).Select(i =>
            tree.RecordAsync("maya", $"burst request {i} qv{i}zz", i % 4 == 0 ? InteractionOutcome.Failure : InteractionOutcome.Success,
                command: $"burst-command-{i % 40}")));

        // No waiting: every acknowledgement preceded these asks, so the memory must already hold all of them.
        var embeddings = await tree.AskAsync<CommandEmbeddings>(new GetCommandEmbeddings("maya"));
        var status = await StatusAsync(tree, "maya");
        // The interaction journaled last is its command's latest phrasing, so its own text must find that command.
        var lastIndex = Array.IndexOf(acks, acks.MaxBy(a => a.SequenceNr));
        var last = acks[lastIndex];
        var found = await SearchAsync(tree, "maya", $"burst request {lastIndex} qv{lastIndex}zz", limit: 1);

        status.LastSequenceNr.Should().BeGreaterThanOrEqualTo(last.SequenceNr);
        embeddings.Commands.Should().HaveCount(40);
        embeddings.Commands.Sum(c => c.Attempts).Should().Be(total);
        embeddings.Commands.Sum(c => c.Successes).Should().Be(Enumerable.Range(0, total).Count(i => i % 4 != 0));
        found.Results.Should().ContainSingle().Which.Command.Should().Be($"burst-command-{lastIndex % 40}");
        found.Results[0].Text.Should().Be($"burst request {lastIndex} qv{lastIndex}zz");
    }

    [Fact]
    public async Task Warmed_suggestions_are_served_from_the_cache_until_the_memory_changes()
    {
        await using var tree = ActorTree.Start(_data.Path);
        await RecordDayAsync(tree, "rose");
        var uncached = await SearchAsync(tree, "rose", "instal fire fox", limit: 3);

        var warmed = await tree.AskAsync<SuggestionsWarmed>(new WarmSuggestions("rose", ["instal fire fox", "update my computer", "instal fire fox"]));
        var cached = await SearchAsync(tree, "rose", "instal fire fox", limit: 3);
        var otherText = await SearchAsync(tree, "rose", "fix the sound", limit: 3);
        var filtered = await SearchAsync(tree, "rose", "instal fire fox", limit: 3, where: "attempts >= 1");

        warmed.Cached.Should().Be(2);
        cached.FromCache.Should().BeTrue();
        cached.Results.Should().BeEquivalentTo(uncached.Results, o => o.WithStrictOrdering());
        uncached.FromCache.Should().BeFalse();
        otherText.FromCache.Should().BeFalse();
        filtered.FromCache.Should().BeFalse();

        await tree.RecordAsync("rose", "install firefox now", InteractionOutcome.Failure, command: "nix-env -iA nixpkgs.firefox");
        var afterUpsert = await SearchAsync(tree, "rose", "instal fire fox", limit: 3);
        afterUpsert.FromCache.Should().BeFalse("an upsert invalidates the cache");
        afterUpsert.Results[0].SuccessRate.Should().Be(0.5);

        (await tree.AskAsync(new WarmSuggestions("rose", [""]))).Should().BeOfType<CommandRejected>().Which.Field.Should().Be("likelyNextTexts[0]");
    }

    [Fact]
    public async Task Preferences_from_the_learner_re_rank_results_persist_across_restarts_and_bad_ones_change_nothing()
    {
        const string chromium = "nix-env -iA nixpkgs.chromium";
        const string firefox = "nix-env -iA nixpkgs.firefox";
        Action<Actors.Hosting.NixHumanityOptions> configure = o => o.Memory.PreferenceWeight = 1.0;
        await using (var tree = ActorTree.Start(_data.Path, configure))
        {
            await tree.RecordAsync("rose", "install a web browser firefox", command: firefox);
            await tree.RecordAsync("rose", "install a web browser chromium", command: chromium);
            var plain = await SearchAsync(tree, "rose", "install a web browser", limit: 2);
            plain.Results.Should().HaveCount(2).And.OnlyContain(h => h.PreferenceAlignment == null);
            var second = plain.Results[1];

            var vectors = await tree.AskAsync<CommandEmbeddings>(new GetCommandEmbeddings("rose"));
            var direction = vectors.Commands.Single(c => c.Command == second.Command).Vector.Select(v => v * 3f).ToArray();

            foreach (var (bad, field) in new (UpdatePreferences, string)[]
                     {
                         (new UpdatePreferences("rose", new float[100]), "direction"),
                         (new UpdatePreferences("rose", direction.Select((v, i) => i == 7 ? float.NaN : v).ToArray()), "direction"),
                         (new UpdatePreferences("rose", new float[384]), "direction"),
                         (new UpdatePreferences("rose", direction, new Dictionary<string, double> { [firefox] = 3 }), "commandAffinity"),
                     })
            {
                (await tree.AskAsync(bad)).Should().BeOfType<CommandRejected>().Which.Field.Should().Be(field);
            }

            (await SearchAsync(tree, "rose", "install a web browser", limit: 2)).Results.Should().OnlyContain(h => h.PreferenceAlignment == null);

            await tree.AskAsync<PreferencesUpdated>(new UpdatePreferences("rose", direction));
            var preferred = await SearchAsync(tree, "rose", "install a web browser", limit: 2);
            preferred.Results[0].Command.Should().Be(second.Command);
            preferred.Results[0].PreferenceAlignment.Should().BeApproximately(1.0, 1e-4);
        }

        await using var restarted = ActorTree.Start(_data.Path, configure);
        var afterRestart = await SearchAsync(restarted, "rose", "install a web browser", limit: 2);
        afterRestart.Results[0].PreferenceAlignment.Should().BeApproximately(1.0, 1e-4);

        // Affinity also counts: pushing the other command strongly enough brings it back to the top.
        var other = afterRestart.Results[1].Command;
        var vectorsAgain = await restarted.AskAsync<CommandEmbeddings>(new GetCommandEmbeddings("rose"));
        await restarted.AskAsync<PreferencesUpdated>(new UpdatePreferences("rose",
            vectorsAgain.Commands.Single(c => c.Command == afterRestart.Results[0].Command).Vector,
            new Dictionary<string, double> { [other] = 1.0 }));
        (await SearchAsync(restarted, "rose", "install a web browser", limit: 2)).Results[0].Command.Should().Be(other);
    }
}
