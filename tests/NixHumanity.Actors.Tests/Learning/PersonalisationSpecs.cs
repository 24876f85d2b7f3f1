using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// The learner and the memory actor together: learned preferences re-rank search per person, and the predicted
/// next requests are pre-computed by the memory actor.
/// </summary>
public sealed class PersonalisationSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private ActorTree StartTree() => ActorTree.Start(_data.Path, o => o.FoldInterval = TimeSpan.FromHours(1));

    /// <summary>Records each (text, command) pair as many times as given, all successful.</summary>
    private static async Task HistoryAsync(ActorTree tree, string userId, params (string Text, string Command, int Times)[] history)
    {
        var t = Start;
        foreach (var (text, command, times) in history)
        {
            for (var i = 0; i < times; i++)
            {
                t += TimeSpan.FromMinutes(3);
                await tree.AskAsync<InteractionAcknowledged>(new RecordInteraction(userId, "s1", text, command, Outcome: InteractionOutcome.Success, Timestamp: t));
            }
        }
    }

    private static async Task<string> TopAsync(ActorTree tree, string userId, string query) =>
        (await tree.AskAsync<MemorySearched>(new SearchMemory(userId, query, 3))).Results[0].Command;

    [Theory]
    [InlineData("open my editor", "open editor vim", "vim", "open editor code", "code")]
    [InlineData("set up development tools", "set up development shell", "nix develop", "set up development packages", "nix-shell -p gcc gnumake")]
    public async Task Two_people_asking_the_same_ambiguous_question_get_their_own_top_result(
        string question, string textA, string commandA, string textB, string commandB)
    {
        await using var tree = StartTree();
        // Both know both commands and both always worked; they differ only in which one they use.
        await HistoryAsync(tree, "pia", (textA, commandA, 8), (textB, commandB, 2));
        await HistoryAsync(tree, "rui", (textA, commandA, 2), (textB, commandB, 8));

        var piaBefore = await TopAsync(tree, "pia", question);
        var ruiBefore = await TopAsync(tree, "rui", question);
        piaBefore.Should().Be(ruiBefore, "without learned preferences the ranking depends only on the text and the success rate");

        var piaFold = await tree.AskAsync<FoldReport>(new FoldPreferences("pia"));
        var ruiFold = await tree.AskAsync<FoldReport>(new FoldPreferences("rui"));
        piaFold.DirectionFromMemory.Should().BeTrue();
        ruiFold.DirectionFromMemory.Should().BeTrue();

        (await TopAsync(tree, "pia", question)).Should().Be(commandA);
        (await TopAsync(tree, "rui", question)).Should().Be(commandB);
    }

    [Fact]
    public async Task The_fold_stores_the_success_weighted_mean_embedding_as_features_0_to_383()
    {
        await using var tree = StartTree();
        await HistoryAsync(tree, "sol", ("open editor vim", "vim", 3), ("open editor code", "code", 1));
        await tree.AskAsync<InteractionAcknowledged>(new RecordInteraction("sol", "s1", "run broken thing", "broken",
            Outcome: InteractionOutcome.Failure, Timestamp: Start.AddHours(5)));
        var embeddings = await tree.AskAsync<CommandEmbeddings>(new GetCommandEmbeddings("sol"));

        await tree.AskAsync<FoldReport>(new FoldPreferences("sol"));
        var prefs = await tree.AskAsync<Preferences>(new GetPreferences("sol", Features: "0..383"));

        // Independently: (3·v_vim + 1·v_code) / 4; the failed command has no weight.
        var vim = embeddings.Commands.Single(c => c.Command == "vim").Vector;
        var code = embeddings.Commands.Single(c => c.Command == "code").Vector;
        prefs.Cells.Should().HaveCount(384);
        for (var i = 0; i < 384; i++)
        {
            ((double)prefs.Cells[i].Value).Should().BeApproximately((3 * vim[i] + code[i]) / 4.0, 1e-5);
        }
    }

    [Fact]
    public async Task After_a_fold_the_predicted_next_request_is_answered_from_the_warmed_cache()
    {
        await using var tree = StartTree();
        var t = Start;
        async Task Run(string text, string command)
        {
            t += TimeSpan.FromMinutes(1);
            await tree.AskAsync<InteractionAcknowledged>(new RecordInteraction("tao", "dev", text, command, Outcome: InteractionOutcome.Success, Timestamp: t));
        }

        for (var round = 0; round < 3; round++)
        {
            await Run("update my checkout", "git pull");
            await Run("enter the dev shell", "nix develop");
            await Run("run the tests", "cargo test");
        }

        await Run("update my checkout", "git pull");
        var cold = await tree.AskAsync<MemorySearched>(new SearchMemory("tao", "enter the dev shell", 3));
        cold.FromCache.Should().BeFalse();

        await tree.AskAsync<FoldReport>(new FoldPreferences("tao"));
        var next = await tree.AskAsync<NextCommands>(new SuggestNextCommands("tao", 1));
        var warm = await tree.AskAsync<MemorySearched>(new SearchMemory("tao", "enter the dev shell", 3));

        next.Next.Single().Command.Should().Be("nix develop");
        next.Next.Single().Text.Should().Be("enter the dev shell");
        warm.FromCache.Should().BeTrue("the learner told the memory actor the likely next request after the fold");
        warm.Results[0].Command.Should().Be("nix develop");
    }
}
