using NixHumanity.Actors.Session;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// A fold's preference direction holds exactly that fold's commands: the success-weighted mean of the vectors of the
/// commands recorded up to its last interaction, even when the memory held them for a model it had not loaded yet
/// (before, the memory answered without them and the direction came one fold late).
/// </summary>
public sealed class FoldDirectionSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>The direction the commands give: each (latest phrasing's normalised vector) weighted by its successes.</summary>
    private static float[] Expected(HashedNGramEmbedder embedder, params (string Text, long Successes)[] commands)
    {
        var sum = new double[embedder.Dimensions];
        double weight = 0;
        foreach (var (text, successes) in commands)
        {
            var vector = embedder.Embed(text);
            var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += vector[i] / norm * successes;
            }

            weight += successes;
        }

        return sum.Select(v => (float)(v / weight)).ToArray();
    }

    private static async Task<float[]> DirectionAsync(ActorTree tree) =>
        (await tree.AskAsync<Preferences>(new GetPreferences("ann", Features: "0..383"))).Cells.Select(c => c.Value).ToArray();

    private static void ShouldMatch(float[] actual, float[] expected, string because)
    {
        actual.Should().HaveCount(expected.Length, because);
        for (var i = 0; i < expected.Length; i++)
        {
            actual[i].Should().BeApproximately(expected[i], 1e-5f, because);
        }
    }

    [Fact]
    public async Task Recorded_then_folded_at_once_the_direction_is_the_success_weighted_mean_of_exactly_those_commands()
    {
        // A model loaded on first use that nothing has loaded yet: the memory holds what is recorded for it.
        using var model = new DeferredEmbedder("ngram-v1", 384, () => new HashedNGramEmbedder());
        using var reference = new HashedNGramEmbedder();
        await using var tree = ActorTree.Start(_data.Path, o => o.Memory.LoadModelForNewEvents = false, embedder: model);

        await tree.RecordAsync("ann", "edit files with vim", command: "nix-env -iA nixpkgs.vim");
        await tree.RecordAsync("ann", "get git", command: "nix-env -iA nixpkgs.git");
        await tree.RecordAsync("ann", "show processes", InteractionOutcome.Failure, command: "nix-env -iA nixpkgs.htop");
        await tree.RecordAsync("ann", "open vim", command: "nix-env -iA nixpkgs.vim");

        var first = await tree.AskAsync<FoldReport>(new FoldPreferences("ann"));
        first.DirectionFromMemory.Should().BeTrue("the memory answers once it holds the fold's commands");
        ShouldMatch(await DirectionAsync(tree), Expected(reference, ("open vim", 2), ("get git", 1)),
            "vim succeeded twice (its latest phrasing), git once, htop never");

        await tree.RecordAsync("ann", "fetch a url", command: "nix-env -iA nixpkgs.curl");
        var second = await tree.AskAsync<FoldReport>(new FoldPreferences("ann"));
        second.DirectionFromMemory.Should().BeTrue();
        ShouldMatch(await DirectionAsync(tree), Expected(reference, ("open vim", 2), ("get git", 1), ("fetch a url", 1)),
            "the second fold's direction holds its own command");
    }
}
