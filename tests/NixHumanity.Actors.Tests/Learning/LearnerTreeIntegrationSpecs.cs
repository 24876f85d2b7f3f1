using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Memory;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>The learner actor through the real tree: a data set recorded via the session, answers computed independently.</summary>
public sealed class LearnerTreeIntegrationSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Commands = ["nix-env -iA nixpkgs.firefox", "nixos-rebuild switch", "nix search vim", "nix-collect-garbage -d"];

    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private ActorTree StartTree(TimeProvider? clock = null, TimeSpan? foldInterval = null) =>
        ActorTree.Start(_data.Path, o => o.FoldInterval = foldInterval ?? TimeSpan.FromHours(1), clock);

    /// <summary>Records a seeded day-by-day history (interactions, notifications) through the session actor.</summary>
    private static async Task RecordHistoryAsync(ActorTree tree, string userId, int seed, int interactions = 120)
    {
        var rng = new Random(seed);
        var t = Start;
        for (var i = 0; i < interactions; i++)
        {
            t += TimeSpan.FromSeconds(rng.Next(5, 120));
            if (rng.Next(25) == 0)
            {
                t += TimeSpan.FromDays(rng.Next(1, 6));
            }

            double? supplied = rng.Next(3) == 0 ? Math.Round(rng.NextDouble(), 3) : null;
            double? hrv = rng.Next(2) == 0 ? Math.Round(rng.NextDouble(), 3) : null;
            var command = rng.Next(6) == 0 ? null : Commands[rng.Next(Commands.Length)];
            var outcome = (InteractionOutcome)rng.Next(3);
            await tree.AskAsync<InteractionAcknowledged>(new RecordInteraction(
                userId, $"s{i / 30}", $"request {i}", command, Outcome: outcome, FlowScore: supplied, HrvCoherence: hrv, Timestamp: t));
            if (rng.Next(5) == 0)
            {
                await tree.AskAsync<NotificationAcknowledged>(new RecordNotification(userId, "update", t + TimeSpan.FromSeconds(1)));
            }
        }
    }

    private static async Task<List<JournaledSessionEvent>> JournalAsync(ActorTree tree, string userId) =>
        (await tree.JournalEventsAsync(userId)).Select((e, i) => new JournaledSessionEvent(i + 1, e)).ToList();

    private static NixHumanityClient ClientFor(ActorTree tree) => new(new RequiredDirectory(tree.Directory), tree.Options, tree.System);

    [Fact]
    public async Task The_three_queries_through_the_tree_match_answers_computed_from_the_journal()
    {
        await using var tree = StartTree();
        await RecordHistoryAsync(tree, "ana", seed: 7);
        var journal = await JournalAsync(tree, "ana");
        journal.OfType<JournaledSessionEvent>().Select(e => e.Event).OfType<FlowStarted>().Should().NotBeEmpty("the data set must contain flow periods");

        var flow = (await tree.AskAsync<AnalyticsRows>(new RunAnalyticsQuery("ana", "flow"))).Result;
        var learning = (await tree.AskAsync<AnalyticsRows>(new RunAnalyticsQuery("ana", "learning"))).Result;
        var interruptions = (await tree.AskAsync<AnalyticsRows>(new RunAnalyticsQuery("ana", "interruptions"))).Result;

        var expectedFlow = AnalyticsFixture.ExpectedFlow(journal);
        flow.Rows.Should().HaveCount(expectedFlow.Count);
        for (var i = 0; i < expectedFlow.Count; i++)
        {
            flow.Rows[i]["user_id"].Should().Be(expectedFlow[i].UserId);
            ((double)flow.Rows[i]["avg_flow_duration"]!).Should().BeApproximately(expectedFlow[i].AvgDuration, 1e-6);
            // An average now: DuckDB and LINQ may sum in a different order.
            ((double?)flow.Rows[i]["peak_coherence"]).Should().BeApproximately(expectedFlow[i].Peak, 1e-12);
        }

        var expectedLearning = AnalyticsFixture.ExpectedLearning(journal);
        expectedLearning.Count.Should().BeGreaterThan(1, "the history spans several weeks");
        learning.Rows.Select(r => (DateTimeOffset)r["week"]!).Should().Equal(expectedLearning.Select(e => e.Week));
        learning.Rows.Select(r => (double)r["mastery"]!).Zip(expectedLearning.Select(e => e.Mastery))
            .Should().OnlyContain(p => Math.Abs(p.Item1 - p.Item2) < 1e-9);

        var expectedInterruptions = AnalyticsFixture.ExpectedInterruptions(journal);
        interruptions.Rows.Should().HaveCount(expectedInterruptions.Count);
        for (var i = 0; i < expectedInterruptions.Count; i++)
        {
            ((DateTimeOffset)interruptions.Rows[i]["flow_start"]!).Should().BeCloseTo(expectedInterruptions[i].Start, TimeSpan.FromMilliseconds(1));
            ((DateTimeOffset?)interruptions.Rows[i]["flow_end"]).HasValue.Should().Be(expectedInterruptions[i].End.HasValue);
            interruptions.Rows[i]["interruptions"].Should().Be(expectedInterruptions[i].Interruptions);
        }

        expectedInterruptions.Sum(p => p.Interruptions).Should().BeGreaterThan(0, "the data set must contain interruptions");
    }

    [Fact]
    public async Task A_cross_user_flow_query_fans_out_to_every_user_and_merges_their_rows()
    {
        await using var tree = StartTree();
        await RecordHistoryAsync(tree, "bo", seed: 11, interactions: 60);
        await RecordHistoryAsync(tree, "al", seed: 12, interactions: 60);
        var expected = AnalyticsFixture.ExpectedFlow((await JournalAsync(tree, "al")).Concat(await JournalAsync(tree, "bo")));

        var merged = await ClientFor(tree).QueryAsync(null, "flow");

        merged.Rows.Select(r => (string)r["user_id"]!).Should().Equal("al", "bo");
        merged.Rows.Select(r => (double)r["avg_flow_duration"]!).Zip(expected.Select(e => e.AvgDuration))
            .Should().OnlyContain(p => Math.Abs(p.Item1 - p.Item2) < 1e-6);
        var learning = await ClientFor(tree).QueryAsync(null, "learning");
        learning.Columns.Should().Equal("user_id", "week", "mastery");
        learning.Rows.Select(r => r["user_id"]).Distinct().Should().Equal("al", "bo");
    }

    [Fact]
    public async Task A_deleted_analytics_file_is_rebuilt_from_the_journal_on_the_next_start()
    {
        AnalyticsCounts before;
        QueryResult learningBefore;
        await using (var tree = StartTree())
        {
            await RecordHistoryAsync(tree, "cy", seed: 3, interactions: 50);
            before = await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("cy"));
            learningBefore = (await tree.AskAsync<AnalyticsRows>(new RunAnalyticsQuery("cy", "learning"))).Result;
        }

        var file = Path.Combine(_data.Path, "users", "cy", "learner", AnalyticsStore.FileName);
        File.Exists(file).Should().BeTrue();
        File.Delete(file);

        await using (var tree = StartTree())
        {
            var after = await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("cy"));
            after.Checkpoint.Should().Be(before.Checkpoint).And.BeGreaterThan(50);
            after.Tables["interactions"].Should().Be(50);
            after.Tables.Should().BeEquivalentTo(before.Tables);
            var learningAfter = (await tree.AskAsync<AnalyticsRows>(new RunAnalyticsQuery("cy", "learning"))).Result;
            learningAfter.Rows.Should().BeEquivalentTo(learningBefore.Rows);
        }
    }

    [Fact]
    public async Task A_learner_crashing_mid_stream_loses_nothing_and_doubles_nothing()
    {
        await using var tree = StartTree();
        var learner = tree.System.ActorSelection($"/user/users/{UserDirectory.ChildName("di")}/learner/learner");
        var recording = Task.Run(async () =>
        {
            for (var i = 0; i < 80; i++)
            {
                await tree.RecordAsync("di", $"step {i}", at: Start.AddMinutes(i), command: $"cmd{i % 7}");
            }
        });
        for (var kill = 0; kill < 3; kill++)
        {
            // A request that lands in the killed actor's mailbox is lost with it, hence the short ask timeout and retries.
            await Eventually.HoldsAsync(async () =>
                (await tree.AskAsync(new GetAnalyticsCounts("di"), TimeSpan.FromSeconds(2))).Should().BeOfType<AnalyticsCounts>()
                    .Which.Tables["interactions"].Should().BeGreaterThan(kill * 20), TimeSpan.FromSeconds(30));
            learner.Tell(Kill.Instance);
        }

        await recording;
        var last = await tree.RecordAsync("di", "last one", at: Start.AddHours(3), command: "cmd-last");

        AnalyticsCounts? counts = null;
        await Eventually.HoldsAsync(async () =>
        {
            counts = (await tree.AskAsync(new GetAnalyticsCounts("di"), TimeSpan.FromSeconds(2))).Should().BeOfType<AnalyticsCounts>().Subject;
            counts.Checkpoint.Should().Be(last.SequenceNr);
        }, TimeSpan.FromSeconds(30));

        var journal = await JournalAsync(tree, "di");
        counts!.Tables["interactions"].Should().Be(journal.Count(e => e.Event is InteractionRecorded)).And.Be(81);
        counts.Tables["command_attempts"].Should().Be(81);
        counts.Tables["events"].Should().Be(journal.Count(e => e.Event is FlowStarted or FlowEnded or NotificationDelivered or NotificationDeferred or NotificationReleased));
    }

    [Fact]
    public async Task Folding_writes_one_fragment_per_batch_of_new_interactions_and_nothing_when_there_is_none()
    {
        var clock = new ManualClock(Start.AddDays(30));
        await using var tree = StartTree(clock);
        string[] said = ["can you install firefox please", "install vlc", "could you add ripgrep for me", "htop"];
        string[] run = ["nix-env -iA nixpkgs.firefox", "nix-env -iA nixpkgs.vlc", "nix profile install nixpkgs#ripgrep", "nix-env -iA nixpkgs.htop"];
        InteractionOutcome[] outcomes = [InteractionOutcome.Success, InteractionOutcome.Failure, InteractionOutcome.Success, InteractionOutcome.Success];
        for (var i = 0; i < said.Length; i++)
        {
            await tree.AskAsync<InteractionAcknowledged>(new RecordInteraction("eve", "s1", said[i], run[i], Outcome: outcomes[i],
                Timestamp: new DateTimeOffset(2026, 3, 7, 9 + i, 0, 0, TimeSpan.Zero)));
        }

        var first = await tree.AskAsync<FoldReport>(new FoldPreferences("eve"));
        var again = await tree.AskAsync<FoldReport>(new FoldPreferences("eve"));
        var afterTwo = await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("eve"));

        first.Written.Should().BeTrue();
        first.Interactions.Should().Be(4);
        again.Written.Should().BeFalse("nothing new was recorded");
        afterTwo.Fragments.Should().Be(1);
        afterTwo.FoldedThrough.Should().Be(first.ToSeq);

        var prefs = await tree.AskAsync<Preferences>(new GetPreferences("eve", Features: "384..767"));
        double Value(string name) => prefs.Cells.Single(c => c.Name == name).Value;
        // Computed by hand from the four interactions above.
        Value("success_rate").Should().BeApproximately(3f / 4, 1e-6);
        Value("install_nix_env").Should().BeApproximately(3f / 4, 1e-6);
        Value("install_nix_profile").Should().BeApproximately(1f / 4, 1e-6);
        Value("voice_like_share").Should().BeApproximately(2f / 4, 1e-6);
        Value("terse_share").Should().BeApproximately(2f / 4, 1e-6);
        Value("time_morning").Should().BeApproximately(3f / 4, 1e-6);
        Value("time_afternoon").Should().BeApproximately(1f / 4, 1e-6);
        Value("weekend_share").Should().Be(1f, "2026-03-07 is a Saturday");
        Value("category_install").Should().Be(1f);
        Value("verbosity_words").Should().BeApproximately((5 + 2 + 6 + 1) / 4f / 10, 1e-6);
        prefs.Cells.Should().NotContain(c => c.Name == "mean_hrv_coherence", "no interaction carried an HRV value");
        var firstFoldTime = clock.Now;

        clock.Advance(TimeSpan.FromHours(1));
        await tree.AskAsync<InteractionAcknowledged>(new RecordInteraction("eve", "s1", "rebuild", "nixos-rebuild switch",
            Outcome: InteractionOutcome.Failure, Timestamp: new DateTimeOffset(2026, 3, 9, 20, 0, 0, TimeSpan.Zero)));
        var third = await tree.AskAsync<FoldReport>(new FoldPreferences("eve"));

        third.Written.Should().BeTrue();
        third.Interactions.Should().Be(1);
        third.FromSeq.Should().BeGreaterThan(first.ToSeq);
        (await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("eve"))).Fragments.Should().Be(2);

        var now = await tree.AskAsync<Preferences>(new GetPreferences("eve", Features: "385..385"));
        var then = await tree.AskAsync<Preferences>(new GetPreferences("eve", firstFoldTime.ToString("O"), "385..385"));
        ((double)now.Cells.Single().Value).Should().BeApproximately(3.0 / 5, 1e-6, "the counters are cumulative over every folded interaction");
        ((double)then.Cells.Single().Value).Should().BeApproximately(3.0 / 4, 1e-6, "a read at the first fold's time sees that fold");
        then.Cells.Single().Time.Should().Be(DateTimeOffset.FromUnixTimeSeconds(firstFoldTime.ToUnixTimeSeconds()));
    }

    [Fact]
    public async Task The_fold_timer_folds_without_being_asked()
    {
        await using var tree = StartTree(foldInterval: TimeSpan.FromMilliseconds(200));
        await tree.RecordAsync("fay", "install git", command: "nix-env -iA nixpkgs.git", at: Start);
        await Eventually.HoldsAsync(async () =>
            (await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("fay"))).Fragments.Should().Be(1));
        var report = await tree.AskAsync<FoldReport>(new FoldPreferences("fay"));
        report.Written.Should().BeFalse("the timer already folded the only interaction");
    }

    [Fact]
    public async Task A_learned_command_sequence_is_predicted_with_its_probabilities()
    {
        await using var tree = StartTree();
        var t = Start;
        async Task Run(string command)
        {
            t += TimeSpan.FromMinutes(1);
            await tree.RecordAsync("gus", $"please {command}", command: command, at: t, sessionId: "dev");
        }

        for (var round = 0; round < 4; round++)
        {
            await Run("git pull");
            await Run(round == 3 ? "git status" : "nix develop");
            await Run("cargo test");
        }

        await Run("git pull");
        var next = await tree.AskAsync<NextCommands>(new SuggestNextCommands("gus", 5));

        next.AfterCommand.Should().Be("git pull");
        next.Next.Select(n => n.Command).Should().Equal("nix develop", "git status");
        next.Next[0].Probability.Should().BeApproximately(0.75, 1e-9);
        next.Next[0].Count.Should().Be(3);
        next.Next[0].Text.Should().Be("please nix develop");
        next.Next[1].Probability.Should().BeApproximately(0.25, 1e-9);

        await Run("nix develop");
        (await tree.AskAsync<NextCommands>(new SuggestNextCommands("gus", 1))).Next.Single().Command.Should().Be("cargo test");

        // Another session does not link its first command to this session's last one.
        await tree.RecordAsync("gus", "open htop", command: "htop", at: t.AddMinutes(1), sessionId: "other");
        var afterHtop = await tree.AskAsync<NextCommands>(new SuggestNextCommands("gus", 3));
        afterHtop.AfterCommand.Should().Be("htop");
        afterHtop.Next.Should().BeEmpty();
    }

    [Fact]
    public async Task Biometric_samples_are_validated_all_first_and_stored_only_when_all_are_good()
    {
        await using var tree = StartTree();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var good = new BiometricSample(at, "hal", 0.5, 0.6, 0.7);

        var nan = await tree.AskAsync(new RecordBiometrics("hal", [good, good with { FlowState = double.NaN }]));
        var otherUser = await tree.AskAsync(new RecordBiometrics("hal", [good with { UserId = "ivy" }]));
        var empty = await tree.AskAsync(new RecordBiometrics("hal", []));
        var stored = await tree.AskAsync<BiometricsRecorded>(new RecordBiometrics("hal", [good, good with { Timestamp = at.AddSeconds(1) }]));

        nan.Should().Be(new CommandRejected("samples[1].flowState", "must be a finite number between 0 and 1 (was NaN)"));
        otherUser.Should().BeOfType<CommandRejected>().Which.Field.Should().Be("samples[0].userId");
        empty.Should().BeOfType<CommandRejected>().Which.Field.Should().Be("samples");
        stored.Count.Should().Be(2);
        (await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("hal"))).Tables["biometrics"].Should().Be(2);
    }

    [Theory]
    [InlineData("query", "bogus", null, null)]
    [InlineData("asOf", null, "last tuesday", null)]
    [InlineData("features", null, null, "700..800")]
    [InlineData("features", null, null, "9..3")]
    public async Task Bad_learner_input_is_rejected_with_the_field(string field, string? query, string? asOf, string? features)
    {
        await using var tree = StartTree();
        object reply = query is not null
            ? await tree.AskAsync(new RunAnalyticsQuery("jo", query))
            : await tree.AskAsync(new GetPreferences("jo", asOf, features));

        reply.Should().BeOfType<CommandRejected>().Which.Field.Should().Be(field);
        (await tree.AskAsync(new SuggestNextCommands("jo", 0))).Should().BeOfType<CommandRejected>().Which.Field.Should().Be("limit");
    }

}
