using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// The bounded int8 pass of the exact scan: its integer kernel, its error bound, and that a matrix using it returns
/// exactly what a plain float32 scan returns while recomputing only a few rows.
/// </summary>
public sealed class QuantizedScanSpecs
{
    private const int Dimensions = VectorMemoryStore.DefaultDimensions;

    [Theory]
    [InlineData(384)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(5)]
    public void Integer_dot_product_equals_the_scalar_sum(int length)
    {
        var random = new Random(length);
        var row = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var query = Enumerable.Range(0, length).Select(_ => (short)random.Next(-32767, 32768)).ToArray();

        long expected = 0;
        for (var i = 0; i < length; i++)
        {
            expected += row[i] * query[i];
        }

        QuantizedRows.Dot(row, query).Should().Be((int)expected);
    }

    [Fact]
    public void The_estimate_is_always_within_its_bound_of_the_true_similarity()
    {
        var rows = TestVectors.Clustered(500, 10, 0.8, seed: 3);
        var queries = TestVectors.Clustered(50, 10, 0.8, seed: 4).Append(TestVectors.Basis(7)).Append(new float[Dimensions]).ToArray();
        var quantized = new QuantizedRows(Dimensions, rows.Length);
        for (var r = 0; r < rows.Length; r++)
        {
            quantized.Set(r, rows[r]);
        }

        var widest = 0f;
        foreach (var query in queries)
        {
            var q = quantized.QuantizeQuery(query);
            for (var r = 0; r < rows.Length; r++)
            {
                double truth = 0;
                for (var d = 0; d < Dimensions; d++)
                {
                    truth += (double)query[d] * rows[r][d];
                }

                var (estimate, bound) = quantized.Estimate(r, q);
                Math.Abs(estimate - truth).Should().BeLessThanOrEqualTo(bound + 1e-6, $"row {r}");
                widest = Math.Max(widest, bound);
            }
        }

        // Loose enough to hold, tight enough to prune: unit rows in int8 are off by well under 0.05.
        widest.Should().BeLessThan(0.05f);
    }

    [Theory]
    [InlineData(1.0, 0.0, false)]
    [InlineData(0.85, 0.15, false)]
    [InlineData(1.0, 0.0, true)]
    [InlineData(0.85, 0.15, true)]
    public void Bounded_scan_returns_exactly_the_float32_top_k_and_rescores_few_rows(double similarityWeight, double successWeight, bool filtered)
    {
        const int count = 20_000;
        var rows = TestVectors.Clustered(count, 50, 0.8, seed: 21);
        var queries = TestVectors.Clustered(40, 50, 0.8, seed: 22);
        var bounded = new VectorMatrix(Dimensions, count, quantizedScanMinRows: 1);
        var plain = new VectorMatrix(Dimensions, count);
        for (var r = 0; r < count; r++)
        {
            var success = (r % 3) == 0 ? 1.0 : 0.25;
            bounded.Set(r, rows[r], success);
            plain.Set(r, rows[r], success);
        }

        var candidates = filtered ? Enumerable.Range(0, count).Where(r => r % 3 != 1).ToArray() : null;
        var rescored = 0L;
        foreach (var query in queries)
        {
            foreach (var k in new[] { 1, 10, 100 })
            {
                var expected = plain.Search(query, k, candidates, (float)similarityWeight, (float)successWeight);
                var actual = bounded.Search(query, k, candidates, (float)similarityWeight, (float)successWeight);
                Listing(actual).Should().Equal(Listing(expected), $"k = {k}");
                rescored += bounded.LastRescoredRows;
                plain.LastRescoredRows.Should().Be(0);
            }
        }

        // Every search recomputed at least its k rows, and on clustered data only a small fraction of the scan.
        var scanned = (candidates?.Length ?? count) * queries.Length * 3L;
        rescored.Should().BeGreaterThanOrEqualTo(queries.Length * 111L);
        ((double)rescored / scanned).Should().BeLessThan(0.05);
    }

    [Fact]
    public void Bounded_scan_keeps_exact_results_with_many_near_ties_and_split_scans()
    {
        // Many rows almost identical to each other: the bound cannot separate them, so most must be rescored.
        const int count = 4_000;
        var centre = TestVectors.Basis(0);
        var rows = Enumerable.Range(0, count).Select(i => TestVectors.Normalise(TestVectors.Basis(0, noise: 0.002f, seed: i))).ToArray();
        var bounded = new VectorMatrix(Dimensions, count, quantizedScanMinRows: 1);
        var plain = new VectorMatrix(Dimensions, count);
        for (var r = 0; r < count; r++)
        {
            bounded.Set(r, rows[r], 0);
            plain.Set(r, rows[r], 0);
        }

        var expected = plain.Search(centre, 10, null, 1, 0);
        var actual = bounded.Search(centre, 10, null, 1, 0, parallelMinRows: 1_000, threads: 2);
        Listing(actual).Should().Equal(Listing(expected));
        bounded.LastRescoredRows.Should().BeGreaterThan(count / 2);
    }

    [Fact]
    public void Store_search_results_do_not_depend_on_the_int8_pass()
    {
        using var folder = new TempStoreFolder();
        var vectors = TestVectors.Clustered(3_000, 30, 0.8, seed: 31);
        var records = vectors.Select((v, i) => ((long)(i + 1), TestVectors.Record($"cmd-{i}", v, succeeded: i % 3 == 0))).ToList();
        var queries = TestVectors.Clustered(20, 30, 0.8, seed: 32);

        List<string[]> Answers(VectorMemoryStoreOptions options, bool expectRescoring)
        {
            using var store = VectorMemoryStore.Open(folder.StorePath, options);
            if (store.Count == 0)
            {
                store.Upsert(records);
            }

            var answers = new List<string[]>();
            foreach (var query in queries)
            {
                answers.Add(store.Search(query, 10).Results.Select(r => $"{r.Id}:{r.Score}").ToArray());
                answers.Add(store.Search(query, 10, "success_rate > 0.8").Results.Select(r => $"{r.Id}:{r.Score}").ToArray());
                (store.LastRescoredRows > 0).Should().Be(expectRescoring);
            }

            return answers;
        }

        var bounded = Answers(new VectorMemoryStoreOptions { QuantizedScanMinRows = 1 }, expectRescoring: QuantizedRows.IsAccelerated);
        var plain = Answers(new VectorMemoryStoreOptions { QuantizedScanMinRows = int.MaxValue }, expectRescoring: false);
        bounded.Should().BeEquivalentTo(plain, o => o.WithStrictOrdering());
    }

    private static string[] Listing(TopK top) =>
        Enumerable.Range(0, top.Count).Select(i => $"{top.Ord(i)}:{top.Score(i):R}:{top.Similarity(i):R}").ToArray();
}
