using DuckDB.NET.Data;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// A batch closes the rows it supersedes (sets their <c>version_to</c>) with a filter, not a join: a join built a hash
/// table in DuckDB's temporary buffers at every batch, whose handles stayed in the heap after the statement, held by
/// the buffer pool's eviction queue (docs/adr/0059).
/// </summary>
public sealed class RowClosingSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private string StorePath => Path.Combine(_data.Path, "memory", VectorMemoryStore.FileName);

    [Fact]
    public void Closing_rows_plans_a_filtered_scan_where_the_values_join_planned_a_hash_join()
    {
        using (var store = VectorMemoryStore.Open(StorePath))
        {
            store.Upsert(1, TestVectors.Record("install firefox", TestVectors.Basis(1)));
        }

        (long RowId, long Version)[] rows = [.. Enumerable.Range(0, 300).Select(i => ((long)i, 1_000L + i))];
        var closing = PhysicalPlan(MemoryTable.CloseRowsStatement(rows));
        closing.Should().Contain("SEQ_SCAN").And.NotContain("JOIN", "a join builds a hash table in temporary buffers at every batch");

        // What it replaced: the same rows as a VALUES list joined to the table, which DuckDB plans as a hash join.
        var values = string.Join(',', rows.Select(r => $"({r.RowId},{r.Version})"));
        PhysicalPlan(
            $"UPDATE command_embeddings SET version_to = closing.version FROM (VALUES {values}) AS closing(row_id, version) " +
            "WHERE command_embeddings.row_id = closing.row_id AND command_embeddings.version_to IS NULL")
            .Should().Contain("HASH_JOIN", "this spec tells the two forms apart");
    }

    [Fact]
    public void A_batch_superseding_more_rows_than_one_statement_closes_each_once_at_its_own_version()
    {
        const int Memories = 300;
        using var store = VectorMemoryStore.Open(StorePath);
        var commands = Enumerable.Range(0, Memories).Select(i => $"nix-env -iA nixpkgs.tool{i}").ToList();
        store.Upsert([.. commands.Select((c, i) => ((long)i + 1, TestVectors.Record(c, TestVectors.Basis(i % 8, noise: 0.1f, seed: i))))]);
        var versionsBefore = store.CurrentVersion;

        // One batch that touches every memory again: 300 superseded rows, more than one statement closes.
        store.Upsert([.. commands.Select((c, i) => ((long)Memories + i + 1, TestVectors.Record(c, TestVectors.Basis(i % 8, noise: 0.1f, seed: i), succeeded: false)))]);

        Scalar(store, "SELECT count(*) FROM command_embeddings WHERE version_to IS NULL").Should().Be(Memories);
        Scalar(store, "SELECT count(*) FROM command_embeddings WHERE version_to IS NOT NULL").Should().Be(Memories);
        // Each closed row ends where its successor (same memory) begins, and nothing older than the batch was closed.
        Scalar(store, "SELECT count(*) FROM command_embeddings o JOIN command_embeddings n ON o.id = n.id AND o.version_to = n.version_from WHERE n.version_to IS NULL")
            .Should().Be(Memories);
        Scalar(store, $"SELECT count(*) FROM command_embeddings WHERE version_to IS NOT NULL AND version_to <= {versionsBefore}").Should().Be(0);
        store.Search(TestVectors.Basis(3, noise: 0.1f, seed: 3), 1).Results.Single().Attempts.Should().Be(2);
    }

    private static long Scalar(VectorMemoryStore store, string sql) =>
        Convert.ToInt64(store.ExecuteScalarUnvalidatedForTests(sql), System.Globalization.CultureInfo.InvariantCulture);

    private string PhysicalPlan(string statement)
    {
        using var connection = new DuckDBConnection($"Data Source={StorePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN " + statement;
        using var reader = command.ExecuteReader();
        var plan = new System.Text.StringBuilder();
        while (reader.Read())
        {
            plan.AppendLine(reader.GetString(1));
        }

        return plan.ToString();
    }
}
