using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>A temporary folder (<see cref="TempDataDirectory"/>) holding one memory store file.</summary>
internal sealed class TempStoreFolder : IDisposable
{
    private readonly TempDataDirectory _folder = new();

    public string Folder => _folder.Path;

    public string StorePath => _folder.File(VectorMemoryStore.FileName);

    public void Dispose() => _folder.Dispose();
}

/// <summary>A clock the test moves by hand, so version timestamps are known.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Deterministic vectors: clustered (realistic for recall) and one-hot-ish (for exact expectations).</summary>
internal static class TestVectors
{
    public const string Embedder = "test-embedder-v1";

    public static float[] Basis(int axis, float noise = 0f, int seed = 0)
    {
        var random = new Random(seed);
        var vector = new float[VectorMemoryStore.DefaultDimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = noise * (float)((random.NextDouble() * 2) - 1);
        }

        vector[axis % vector.Length] += 1f;
        return vector;
    }

    /// <summary>Gaussian clusters on the unit sphere: centres random, members centre + noise, normalised.</summary>
    public static float[][] Clustered(int count, int clusters, double spread, int seed)
    {
        var random = new Random(seed);
        var centres = new float[clusters][];
        for (var c = 0; c < clusters; c++)
        {
            centres[c] = Normalise(Gaussian(random, 1.0));
        }

        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var centre = centres[random.Next(clusters)];
            var noise = Gaussian(random, spread / Math.Sqrt(VectorMemoryStore.DefaultDimensions));
            for (var d = 0; d < noise.Length; d++)
            {
                noise[d] += centre[d];
            }

            vectors[i] = Normalise(noise);
        }

        return vectors;
    }

    public static MemoryRecord Record(string command, float[] vector, bool? succeeded = true, string? text = null,
        double? satisfaction = null, string embedder = Embedder, string? intent = null, double? confidence = null, DateTimeOffset? at = null) =>
        new(command, text ?? $"please run {command}", vector, embedder, at ?? new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero),
            succeeded, intent, satisfaction, confidence);

    private static float[] Gaussian(Random random, double sigma)
    {
        var vector = new float[VectorMemoryStore.DefaultDimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            vector[i] = (float)(sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return vector;
    }

    internal static float[] Normalise(float[] vector)
    {
        var norm = (float)Math.Sqrt(vector.Sum(v => (double)v * v));
        return vector.Select(v => v / norm).ToArray();
    }
}

/// <summary>Assertions on the typed input errors of the store and the prefilter parser.</summary>
internal static class RejectionAssertions
{
    /// <summary>Asserts that <paramref name="act"/> rejects its input with a "field: rule" matching <paramref name="pattern"/> (wildcards allowed).</summary>
    public static void ShouldBeRejected(this Action act, string pattern) =>
        act.Should().Throw<InvalidInputException>().Which.Rejection.Message.Should().Match(pattern);

    /// <summary>Asserts that <paramref name="act"/> rejects its input with a "field: rule" matching <paramref name="pattern"/> (wildcards allowed).</summary>
    public static void ShouldBeRejected<T>(this Func<T> act, string pattern) =>
        act.Should().Throw<InvalidInputException>().Which.Rejection.Message.Should().Match(pattern);
}
