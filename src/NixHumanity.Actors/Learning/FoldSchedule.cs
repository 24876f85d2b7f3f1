namespace NixHumanity.Actors.Learning;

/// <summary>
/// What the learner knows about its next fold without asking a store, so that a fold tick with nothing to do costs no
/// store work: at a thousand idle users, preparing a fold (two queries) and looking for aged fragments on every 30-second
/// tick kept the two store threads busy for nothing.
/// </summary>
/// <param name="CheckedThrough">The projection's checkpoint when a fold last looked at the interactions: every interaction
/// up to it is folded (the fold took them, or there were none); -1 when not known (a store just opened).</param>
/// <param name="FoldedThrough">The fold watermark then (what a fold with nothing new reports).</param>
/// <param name="ConsolidationCheckAt">When the consolidation policy can next find aged fragments to merge
/// (<see cref="Tensor.ConsolidationPolicy.NextCheck"/>); null when every fragment already sits in its month.</param>
internal sealed record FoldSchedule(long CheckedThrough, long FoldedThrough, DateTimeOffset? ConsolidationCheckAt)
{
    /// <summary>Nothing known yet: the next fold asks the store.</summary>
    public static readonly FoldSchedule Unknown = new(-1, 0, null);

    /// <summary>Whether nothing was applied since a fold last looked (then there is nothing to fold).</summary>
    /// <param name="checkpoint">The projection's checkpoint now.</param>
    public bool NothingNewAt(long checkpoint) => CheckedThrough >= 0 && checkpoint == CheckedThrough;

    /// <summary>Whether the consolidation policy may have aged fragments to merge at <paramref name="now"/>.</summary>
    /// <param name="now">The learner's clock.</param>
    public bool ConsolidationDue(DateTimeOffset now) => ConsolidationCheckAt is { } at && now >= at;
}
