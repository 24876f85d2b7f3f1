using NixHumanity.Actors.Learning.Tensor;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// The user's preference direction in embedding space (tensor features 0..d-1): the success-weighted mean of the
/// vectors of the commands they ran — each command weighs as many times as it succeeded, so commands that never
/// worked do not pull the direction.
/// </summary>
internal static class PreferenceDirection
{
    /// <summary>
    /// The weighted mean of <paramref name="commands"/>' vectors (weight = successes), or <c>null</c> when no
    /// command has succeeded yet or the vectors are not <paramref name="dimensions"/> long.
    /// </summary>
    /// <param name="commands">Each command's vector and number of successes.</param>
    /// <param name="dimensions">The embedder's dimension (the tensor layout's direction).</param>
    public static float[]? Compute(IEnumerable<(float[] Vector, long Successes)> commands, int dimensions = PreferenceLayout.DefaultDimensions)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var sum = new double[dimensions];
        double weight = 0;
        foreach (var (vector, successes) in commands)
        {
            if (successes <= 0)
            {
                continue;
            }

            if (vector.Length != sum.Length)
            {
                return null;
            }

            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += vector[i] * (double)successes;
            }

            weight += successes;
        }

        if (weight <= 0)
        {
            return null;
        }

        var mean = new float[sum.Length];
        for (var i = 0; i < sum.Length; i++)
        {
            mean[i] = (float)(sum[i] / weight);
        }

        return mean.Any(v => v != 0) ? mean : null;
    }
}
