using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning.Tensor;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// The named behaviour features (tensor features 384..767 with a 384-dimensional embedder, d..d+383 with a
/// d-dimensional one: <see cref="PreferenceLayout"/>) and how each is computed from the running fold counters
/// (<see cref="FoldBatch.Totals"/>). A feature whose denominator is still zero (e.g. no install yet) is not written,
/// so a read keeps showing "unknown" rather than a made-up 0. Numbers not listed are reserved. The numbers below are
/// those of the 384 layout.
/// </summary>
internal static class BehaviourFeatures
{
    /// <summary>The first behaviour feature in the 384 layout; 0..383 hold the preference direction in embedding space.</summary>
    public const int First = 384;

    /// <summary>Every named feature, by number.</summary>
    public static IReadOnlyList<BehaviourFeature> All { get; } =
    [
        new(384, "activity", "log10(1 + interactions folded so far)", t => Math.Log10(1 + t.Get("interactions"))),
        new(385, "success_rate", "successes / interactions with a reported outcome", t => Share(t, "successes", "outcomes")),
        new(386, "flow_share", "share of interactions with flow_score > 0.7", t => Share(t, "in_flow", "interactions")),
        new(387, "mean_flow_score", "mean flow_score of the interactions", t => Share(t, "flow_score_sum", "interactions")),
        new(388, "verbosity_chars", "mean characters per request / 100", t => Share(t, "chars", "interactions") / 100),
        new(389, "verbosity_words", "mean words per request / 10", t => Share(t, "words", "interactions") / 10),
        new(390, "voice_like_share", "share of requests phrased like speech (\"can you…\", \"please…\", \"how do I…\", fillers)", t => Share(t, "voice_like", "interactions")),
        new(391, "terse_share", "share of requests of at most three words (typed shorthand)", t => Share(t, "terse", "interactions")),
        new(392, "install_nix_env", "share of package-management commands using nix-env -i", t => Method(t, "method_nix_env")),
        new(393, "install_nix_profile", "… using nix profile install/add", t => Method(t, "method_nix_profile")),
        new(394, "install_declarative", "… using configuration.nix / nixos-rebuild", t => Method(t, "method_declarative")),
        new(395, "install_home_manager", "… using home-manager", t => Method(t, "method_home_manager")),
        new(396, "install_ephemeral_shell", "… using nix-shell / nix shell / nix run / nix develop", t => Method(t, "method_shell")),
        new(400, "time_night", "share of requests 00:00–05:59 UTC", t => Share(t, "hour_night", "interactions")),
        new(401, "time_morning", "share of requests 06:00–11:59 UTC", t => Share(t, "hour_morning", "interactions")),
        new(402, "time_afternoon", "share of requests 12:00–17:59 UTC", t => Share(t, "hour_afternoon", "interactions")),
        new(403, "time_evening", "share of requests 18:00–23:59 UTC", t => Share(t, "hour_evening", "interactions")),
        new(404, "weekend_share", "share of requests on Saturday or Sunday (UTC)", t => Share(t, "weekend", "interactions")),
        new(410, "category_install", "share of requests that install software", t => Share(t, "category_install", "interactions")),
        new(411, "category_remove", "… remove software", t => Share(t, "category_remove", "interactions")),
        new(412, "category_search", "… search packages", t => Share(t, "category_search", "interactions")),
        new(413, "category_update", "… update channels/flakes/packages", t => Share(t, "category_update", "interactions")),
        new(414, "category_rebuild", "… rebuild/switch the system or home", t => Share(t, "category_rebuild", "interactions")),
        new(415, "category_develop", "… enter development shells", t => Share(t, "category_develop", "interactions")),
        new(416, "category_git", "… run git", t => Share(t, "category_git", "interactions")),
        new(417, "category_garbage", "… collect garbage", t => Share(t, "category_garbage", "interactions")),
        new(418, "category_other", "… anything else (or no command)", t => Share(t, "category_other", "interactions")),
        new(420, "mean_hrv_coherence", "mean HRV coherence over interactions that carried one", t => Share(t, "hrv_sum", "hrv_samples")),
    ];

    private static readonly Dictionary<int, BehaviourFeature> ByNumber = All.ToDictionary(f => f.Feature);

    /// <summary>
    /// The name of a feature number in <paramref name="layout"/> (the 384 layout when null): a behaviour feature's name,
    /// <c>direction[i]</c> below the direction's dimension, else null.
    /// </summary>
    /// <param name="feature">The feature number.</param>
    /// <param name="layout">The tensor's layout.</param>
    public static string? NameOf(int feature, PreferenceLayout? layout = null)
    {
        layout ??= PreferenceLayout.Default;
        return feature < layout.BehaviourFirst
            ? $"direction[{feature}]"
            : ByNumber.TryGetValue(feature - layout.BehaviourFirst + First, out var named) ? named.Name : null;
    }

    /// <summary>The features that can be computed from <paramref name="totals"/> (finite values only), numbered in <paramref name="layout"/>.</summary>
    /// <param name="totals">Running counters.</param>
    /// <param name="layout">The tensor's layout (the 384 layout when null).</param>
    public static IEnumerable<(int Feature, float Value)> Compute(IReadOnlyDictionary<string, double> totals, PreferenceLayout? layout = null)
    {
        layout ??= PreferenceLayout.Default;
        var view = new Totals(totals);
        foreach (var feature in All)
        {
            var value = feature.Compute(view);
            if (value is { } v && double.IsFinite(v))
            {
                yield return (layout.Behaviour(feature.Feature), (float)v);
            }
        }
    }

    private static double? Share(Totals totals, string numerator, string denominator)
    {
        var d = totals.Get(denominator);
        return d > 0 ? totals.Get(numerator) / d : null;
    }

    private static double? Method(Totals totals, string method)
    {
        var all = totals.Get("method_nix_env") + totals.Get("method_nix_profile") + totals.Get("method_declarative")
            + totals.Get("method_home_manager") + totals.Get("method_shell");
        return all > 0 ? totals.Get(method) / all : null;
    }
}

/// <summary>Read access to the fold counters (missing = 0).</summary>
/// <param name="Values">The counters.</param>
internal sealed record Totals(IReadOnlyDictionary<string, double> Values)
{
    /// <summary>The counter's value, 0 when absent.</summary>
    /// <param name="name">The counter.</param>
    public double Get(string name) => Values.GetValueOrDefault(name);
}

/// <summary>One named behaviour feature.</summary>
/// <param name="Feature">Its number in 384..767.</param>
/// <param name="Name">Its name.</param>
/// <param name="Meaning">What it measures.</param>
/// <param name="Compute">Its value from the counters, or null while undefined.</param>
internal sealed record BehaviourFeature(int Feature, string Name, string Meaning, Func<Totals, double?> Compute);
