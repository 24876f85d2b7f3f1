namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The confidence of each fused candidate (<see cref="AbstentionCalibration"/>):
/// <c>clamp((1 − s)·relevance + s·cosine + m·(relevance − mean of the ten best other relevances), 0, 1)</c> with
/// <c>s = ConfidenceDenseShare</c> and <c>m = ConfidenceMarginWeight</c>. With both 0 it is the relevance clamped, as
/// before calibration. The ten best relevances of all candidates are kept once, so each candidate's margin is over
/// the best others without sorting per candidate.
/// </summary>
internal sealed class FusedConfidence
{
    private const int Others = 10;

    private readonly double _denseShare;
    private readonly double _marginWeight;
    private readonly double[] _best;

    /// <summary>Prepares the confidences of the candidates whose relevances are <paramref name="relevances"/>.</summary>
    public FusedConfidence(IEnumerable<double> relevances, VectorMemoryStoreOptions options)
    {
        _denseShare = options.ConfidenceDenseShare;
        _marginWeight = options.ConfidenceMarginWeight;
        _best = _marginWeight > 0 ? relevances.OrderDescending().Take(Others + 1).ToArray() : [];
    }

    /// <summary>The confidence of a candidate with this relevance and cosine.</summary>
    public double Of(double relevance, double cosine)
    {
        var value = ((1 - _denseShare) * relevance) + (_denseShare * cosine);
        if (_marginWeight > 0 && _best.Length > 1)
        {
            value += _marginWeight * (relevance - MeanOfOthers(relevance));
        }

        return Math.Clamp(value, 0, 1);
    }

    /// <summary>The mean of the ten best relevances other than this one (one occurrence of its own value left out).</summary>
    private double MeanOfOthers(double relevance)
    {
        var sum = 0.0;
        var count = 0;
        var skipped = false;
        foreach (var other in _best)
        {
            if (!skipped && other == relevance)
            {
                skipped = true;
                continue;
            }

            if (count < Others)
            {
                sum += other;
                count++;
            }
        }

        return count == 0 ? 0 : sum / count;
    }
}
