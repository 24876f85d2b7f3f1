using System.Globalization;
using System.Text.Json.Nodes;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.VectorBenchmarks;

/// <summary>
/// Clustered, normalised 384-d vectors with metadata, generated deterministically, written in a form both the C#
/// store and the LanceDB peer load identically (raw float32 + JSON metadata), with exact ground truth.
/// </summary>
internal sealed class Dataset
{
    private const int Dimensions = VectorMemoryStore.DefaultDimensions;
    private static readonly DateTimeOffset At = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private Dataset(float[][] vectors, float[][] queries, bool[] succeeded, double?[] satisfaction)
    {
        Vectors = vectors;
        Queries = queries;
        Succeeded = succeeded;
        Satisfaction = satisfaction;
    }

    public float[][] Vectors { get; }

    public float[][] Queries { get; }

    /// <summary>One recorded outcome per command, so success_rate is exactly 1 or 0 in both engines.</summary>
    public bool[] Succeeded { get; }

    public double?[] Satisfaction { get; }

    public double FilteredFraction => Succeeded.Count(s => s) / (double)Succeeded.Length;

    public static Dataset Generate(int rows, int queries, int seed)
    {
        var random = new Random(seed);
        var centres = new float[200][];
        for (var c = 0; c < centres.Length; c++)
        {
            centres[c] = Normalise(Gaussian(random, 1.0));
        }

        float[] Member()
        {
            var centre = centres[random.Next(centres.Length)];
            var v = Gaussian(random, 0.8 / Math.Sqrt(Dimensions));
            for (var d = 0; d < Dimensions; d++)
            {
                v[d] += centre[d];
            }

            return Normalise(v);
        }

        var vectors = new float[rows][];
        var succeeded = new bool[rows];
        var satisfaction = new double?[rows];
        for (var i = 0; i < rows; i++)
        {
            vectors[i] = Member();
            succeeded[i] = random.NextDouble() < 0.3;
            satisfaction[i] = random.NextDouble() < 0.1 ? null : Math.Round(random.NextDouble(), 2);
        }

        var queryVectors = new float[queries][];
        for (var q = 0; q < queries; q++)
        {
            queryVectors[q] = Member();
        }

        return new Dataset(vectors, queryVectors, succeeded, satisfaction);
    }

    public static string Command(int row) => "nix-env -iA nixpkgs.package" + row.ToString(CultureInfo.InvariantCulture);

    public int RowOf(string command) => int.Parse(command.AsSpan("nix-env -iA nixpkgs.package".Length), CultureInfo.InvariantCulture);

    public MemoryRecord Record(int row) =>
        new(Command(row), $"please install package {row}", Vectors[row], "benchmark-clustered", At, Succeeded[row], "install", Satisfaction[row]);

    public void Write(string dir, int passes)
    {
        WriteFloats(Path.Combine(dir, "vectors.f32"), Vectors);
        WriteFloats(Path.Combine(dir, "queries.f32"), Queries);
        var meta = new JsonObject
        {
            ["command"] = new JsonArray(Enumerable.Range(0, Vectors.Length).Select(i => (JsonNode)Command(i)).ToArray()),
            ["text"] = new JsonArray(Enumerable.Range(0, Vectors.Length).Select(i => (JsonNode)$"please install package {i}").ToArray()),
            ["success_rate"] = new JsonArray(Succeeded.Select(s => (JsonNode)(s ? 1.0 : 0.0)).ToArray()),
            ["user_satisfaction"] = new JsonArray(Satisfaction.Select(s => s is { } v ? (JsonNode)v : null).ToArray()),
        };
        File.WriteAllText(Path.Combine(dir, "meta.json"), meta.ToJsonString());
        var manifest = new JsonObject
        {
            ["dimensions"] = Dimensions,
            ["k"] = 10,
            ["filter"] = "success_rate > 0.8",
            ["batchSize"] = 1000,
            ["passes"] = passes,
        };
        File.WriteAllText(Path.Combine(dir, "manifest.json"), manifest.ToJsonString());
    }

    /// <summary>Exact top-10 row numbers per query, by double-precision cosine, independent of the store's code.</summary>
    public int[][] Truth(bool filtered)
    {
        var truth = new int[Queries.Length][];
        Parallel.For(0, Queries.Length, q =>
        {
            var query = Queries[q];
            var best = new List<(double Similarity, int Row)>();
            for (var i = 0; i < Vectors.Length; i++)
            {
                if (filtered && !Succeeded[i])
                {
                    continue;
                }

                double dot = 0, nq = 0, nv = 0;
                var v = Vectors[i];
                for (var d = 0; d < Dimensions; d++)
                {
                    dot += (double)query[d] * v[d];
                    nq += (double)query[d] * query[d];
                    nv += (double)v[d] * v[d];
                }

                var similarity = dot / Math.Sqrt(nq * nv);
                if (best.Count < 10 || similarity > best[^1].Similarity)
                {
                    best.Add((similarity, i));
                    best.Sort((a, b) => b.Similarity.CompareTo(a.Similarity));
                    if (best.Count > 10)
                    {
                        best.RemoveAt(10);
                    }
                }
            }

            truth[q] = best.Select(b => b.Row).ToArray();
        });
        return truth;
    }

    private static void WriteFloats(string path, float[][] rows)
    {
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        foreach (var row in rows)
        {
            foreach (var value in row)
            {
                writer.Write(value);
            }
        }
    }

    private static float[] Gaussian(Random random, double sigma)
    {
        var vector = new float[Dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            vector[i] = (float)(sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return vector;
    }

    private static float[] Normalise(float[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        return vector.Select(v => (float)(v / norm)).ToArray();
    }
}
