using System.Numerics.Tensors;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Memory;

/// <summary>
/// The preferences the learner last sent (<see cref="UpdatePreferences"/>): a unit direction in the embedder's space
/// and per-command affinities. Stored in <see cref="PreferencesFile"/>.
/// </summary>
/// <param name="EmbedderId">The embedder whose space <paramref name="Direction"/> lives in.</param>
/// <param name="Direction">The L2-normalised preference direction.</param>
/// <param name="Affinity">Affinity per command, each within [-1,1].</param>
internal sealed record MemoryPreferences(string EmbedderId, float[] Direction, Dictionary<string, double> Affinity)
{
    /// <summary>The preferences <paramref name="update"/> asks for, normalised, or the first rule it breaks.</summary>
    /// <param name="update">The learner's message.</param>
    /// <param name="embedder">The memory's embedder (its id and dimensions).</param>
    public static (MemoryPreferences? Preferences, CommandRejected? Rejection) From(UpdatePreferences update, IEmbedder embedder)
    {
        if (Validate(update, embedder.Dimensions) is { } rejection)
        {
            return (null, rejection);
        }

        var direction = update.Direction.ToArray();
        var norm = TensorPrimitives.Norm(direction);
        TensorPrimitives.Divide(direction, norm, direction);
        var affinity = (update.CommandAffinity ?? new Dictionary<string, double>())
            .ToDictionary(kv => kv.Key.Trim(), kv => kv.Value, StringComparer.Ordinal);
        return (new MemoryPreferences(embedder.Id, direction, affinity), null);
    }

    private static CommandRejected? Validate(UpdatePreferences update, int dimensions)
    {
        if (update.Direction is null)
        {
            return new CommandRejected("direction", "must be given");
        }

        if (update.Direction.Length != dimensions)
        {
            return new CommandRejected("direction", $"must have {dimensions} components (got {update.Direction.Length})");
        }

        for (var i = 0; i < update.Direction.Length; i++)
        {
            if (!float.IsFinite(update.Direction[i]))
            {
                return new CommandRejected("direction", $"must be finite (component {i} is {update.Direction[i]})");
            }
        }

        var norm = TensorPrimitives.Norm(update.Direction);
        if (!(norm > 1e-12f) || !float.IsFinite(norm))
        {
            return new CommandRejected("direction", "must not be the zero vector");
        }

        foreach (var (command, value) in update.CommandAffinity ?? new Dictionary<string, double>())
        {
            if (string.IsNullOrWhiteSpace(command))
            {
                return new CommandRejected("commandAffinity", "commands must not be empty");
            }

            if (!double.IsFinite(value) || value is < -1 or > 1)
            {
                return new CommandRejected("commandAffinity", $"the affinity of '{command}' must be a finite number between -1 and 1");
            }
        }

        return null;
    }
}
