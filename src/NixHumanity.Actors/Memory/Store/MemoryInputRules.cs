using System.Numerics.Tensors;
using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Memory.Store;

/// <summary>
/// The input rules of <see cref="VectorMemoryStore"/>: what a record, a batch and a query vector must satisfy. Every
/// violation is an <see cref="InvalidInputException"/> naming the field, so the owner can answer it as a
/// <see cref="CommandRejected"/> without reading the message.
/// </summary>
internal static class MemoryInputRules
{
    /// <summary>Longest command (and intent) a memory may have.</summary>
    public const int MaxCommandLength = 1024;

    /// <summary>Longest phrasing a memory may have.</summary>
    public const int MaxTextLength = 4096;

    private const int MaxEmbedderIdLength = 256;

    /// <summary>The rejection of <paramref name="field"/> for breaking <paramref name="rule"/>.</summary>
    public static InvalidInputException Reject(string field, string rule) => new(new CommandRejected(field, rule));

    /// <summary>
    /// Checks that sequence numbers are positive and strictly increasing and every record is valid; returns the
    /// records' vectors L2-normalised, in batch order. Nothing is returned when any of them fails.
    /// </summary>
    public static float[][] ValidateBatch(IReadOnlyList<(long SequenceNr, MemoryRecord Record)> batch, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var normalised = new float[batch.Count][];
        var previous = 0L;
        for (var i = 0; i < batch.Count; i++)
        {
            var (sequenceNr, record) = batch[i];
            if (sequenceNr <= 0)
            {
                throw Reject("sequenceNr", $"must be positive (got {sequenceNr})");
            }

            if (sequenceNr <= previous)
            {
                throw Reject("sequenceNr", "must be strictly increasing within a batch");
            }

            previous = sequenceNr;
            normalised[i] = ValidateRecord(record, dimensions);
        }

        return normalised;
    }

    /// <summary>Checks <paramref name="k"/> of a search.</summary>
    public static void RequireK(int k)
    {
        if (k is < 1 or > VectorMemoryStore.MaxK)
        {
            throw Reject("k", $"must be between 1 and {VectorMemoryStore.MaxK} (got {k})");
        }
    }

    /// <summary>
    /// A copy of <paramref name="vector"/> scaled to unit length, after checking it has
    /// <paramref name="dimensions"/> (the store's) finite values that are not all zero.
    /// </summary>
    public static float[] NormaliseVector(float[]? vector, int dimensions, string field)
    {
        if (vector is null)
        {
            throw Reject(field, "must not be null");
        }

        if (vector.Length != dimensions)
        {
            throw Reject(field, $"must have {dimensions} dimensions (got {vector.Length})");
        }

        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                throw Reject(field, $"element {i} is {vector[i]} (NaN and infinity are not allowed)");
            }
        }

        var norm = TensorPrimitives.Norm(vector);
        if (!(norm > 0) || !float.IsFinite(norm))
        {
            throw Reject(field, "must not be all zeros");
        }

        var copy = new float[vector.Length];
        TensorPrimitives.Divide(vector, norm, copy);
        return copy;
    }

    private static float[] ValidateRecord(MemoryRecord record, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(record);
        RequireText("command", record.Command, MaxCommandLength);
        RequireText("text", record.Text, MaxTextLength);
        RequireText("embedderId", record.EmbedderId, MaxEmbedderIdLength);
        if (record.Intent is not null)
        {
            RequireText("intent", record.Intent, MaxCommandLength);
        }

        RequireUnit("userSatisfaction", record.UserSatisfaction);
        RequireUnit("confidence", record.Confidence);
        if (record.At.Year is < 2000 or > 9000)
        {
            throw Reject("at", $"must be a plausible timestamp (got {record.At:O})");
        }

        return NormaliseVector(record.Vector, dimensions, "vector");
    }

    private static void RequireText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Reject(field, "must not be empty");
        }

        if (value.Length > maxLength)
        {
            throw Reject(field, $"must be at most {maxLength} characters");
        }
    }

    private static void RequireUnit(string field, double? value)
    {
        if (value is { } v && (!double.IsFinite(v) || v is < 0 or > 1))
        {
            throw Reject(field, $"must be a finite number between 0 and 1 (got {v})");
        }
    }
}
