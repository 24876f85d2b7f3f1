using System.Globalization;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The rules a <see cref="RecordBiometrics"/> request must satisfy. The client checks them before it asks, so a refused
/// request never brings a person's actors (and their store files) into being; the learner checks them again, because
/// a message may arrive from anywhere.
/// </summary>
internal static class BiometricRules
{
    /// <summary>Most samples one request may carry.</summary>
    public const int MaxSamples = 1_000_000;

    /// <summary>
    /// Throws <see cref="InvalidInputException"/> naming the first rule the request breaks: at least one and at most
    /// <see cref="MaxSamples"/> samples for a valid user id, each of <paramref name="userId"/>, timed inside the accepted window around
    /// <paramref name="now"/>, with scores finite and in [0,1].
    /// </summary>
    public static void Check(string userId, IReadOnlyList<BiometricSample>? samples, DateTimeOffset now)
    {
        if (InputRules.Id("userId", userId) is { } badUser)
        {
            throw new InvalidInputException(badUser);
        }

        if (samples is null || samples.Count == 0)
        {
            throw Reject("samples", "must contain at least one sample");
        }

        if (samples.Count > MaxSamples)
        {
            throw Reject("samples", $"must contain at most {MaxSamples:N0} samples per message");
        }

        for (var i = 0; i < samples.Count; i++)
        {
            if (!string.Equals(samples[i].UserId, userId, StringComparison.Ordinal))
            {
                throw Reject($"samples[{i}].userId", $"must be the message's user '{userId}'");
            }

            // The same window as every other timestamp the system accepts (2000-01-01 to a day ahead).
            if (InputRules.Timestamp($"samples[{i}].timestamp", samples[i].Timestamp, now) is { } badTime)
            {
                throw new InvalidInputException(badTime);
            }

            CheckSample(i, samples[i]);
        }
    }

    /// <summary>The rules every stored sample keeps whatever its source: a valid user id, a time after 1970, scores
    /// finite and in [0,1].</summary>
    internal static void CheckSample(int index, BiometricSample sample)
    {
        if (InputRules.Id($"samples[{index}].userId", sample.UserId) is { } rejection)
        {
            throw new InvalidInputException(rejection);
        }

        if (sample.Timestamp < DateTimeOffset.UnixEpoch)
        {
            throw Reject($"samples[{index}].timestamp", $"must not be before 1970-01-01 (was {sample.Timestamp:O})");
        }

        CheckUnit($"samples[{index}].hrv", sample.Hrv);
        CheckUnit($"samples[{index}].attentionScore", sample.AttentionScore);
        CheckUnit($"samples[{index}].flowState", sample.FlowState);
    }

    private static void CheckUnit(string field, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > 1)
        {
            throw Reject(field, $"must be a finite number between 0 and 1 (was {value.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    private static InvalidInputException Reject(string field, string rule) => new(new CommandRejected(field, rule));
}
