namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>
/// Where a learner's tensor keeps what (docs/adr/0032): the preference direction in features 0..d-1, d being the
/// embedder's dimension, then the behaviour features from d on (the learner's <c>BehaviourFeatures</c> numbers them
/// as for d = 384, the layout of every file written before other dimensions were allowed: 384..767). The tensor's manifest
/// records d; a tensor written for another d is rebuilt from the fold log (the behaviour features read as before,
/// shifted; the direction is asked from the memory again).
/// </summary>
/// <param name="DirectionDimensions">d, the embedder's dimension.</param>
internal sealed record PreferenceLayout(int DirectionDimensions)
{
    /// <summary>The dimension of every built-in embedder, and of every tensor written before d was recorded.</summary>
    public const int DefaultDimensions = 384;

    /// <summary>Features reserved for behaviour, after the direction (384: what 384..767 always held).</summary>
    public const int BehaviourFeatureSlots = 384;

    /// <summary>The layout of 384-dimensional embedders (all built-in ones).</summary>
    public static PreferenceLayout Default { get; } = new(DefaultDimensions);

    /// <summary>The number of features of the tensor: d + 384.</summary>
    public int FeatureCount => DirectionDimensions + BehaviourFeatureSlots;

    /// <summary>The first behaviour feature: d.</summary>
    public int BehaviourFirst => DirectionDimensions;

    /// <summary>Every feature of this layout.</summary>
    public FeatureRange All => new(0, FeatureCount - 1, FeatureCount);

    /// <summary>The tensor feature of the behaviour feature numbered <paramref name="number"/> in the 384 layout.</summary>
    /// <param name="number">Its number in the 384 layout (384..767).</param>
    public int Behaviour(int number) => number - DefaultDimensions + BehaviourFirst;
}
