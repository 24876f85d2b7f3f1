using System.Globalization;
using DuckDB.NET.Data;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// The file format of <c>memory.duckdb</c> (docs/adr/0022, 0031): vectors are stored as one BLOB each (schema 2) and
/// versions are journal positions (schema 3); a file written with <c>FLOAT[384]</c> vectors and batch-numbered versions
/// (schema 1) keeps working, and rows are loaded by ordinal whatever order DuckDB returns them in.
/// </summary>
public sealed class VectorMemoryStoreFormatSpecs : IDisposable
{
    private static readonly DateTime Day = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_store_written_with_float_array_vectors_opens_with_its_versions_statistics_and_checkpoint()
    {
        WriteSchema1Store();

        using (var store = VectorMemoryStore.Open(_folder.StorePath))
        {
            store.Count.Should().Be(2);
            store.CurrentVersion.Should().Be(3, "the second batch's version becomes its last event's position");
            store.Checkpoint.Should().Be(3);
            store.EmbedderId.Should().Be(TestVectors.Embedder);
            store.ListVersions().Select(v => v.Version).Should().Equal(0, 1, 3);

            var firefox = store.Search(TestVectors.Basis(21), 1).Results.Should().ContainSingle().Subject;
            firefox.Command.Should().Be("nix-env -iA nixpkgs.firefox");
            firefox.Text.Should().Be("install the firefox browser");
            firefox.Similarity.Should().BeApproximately(1.0, 1e-6);
            firefox.Attempts.Should().Be(2);
            store.GetMemory("htop")!.SuccessRate.Should().Be(1);

            // The superseded row was carried over too: time travel still reads the first phrasing.
            var before = store.Search(TestVectors.Basis(20), 1, asOf: MemoryAsOf.Parse("1")).Results.Should().ContainSingle().Subject;
            before.Text.Should().Be("get me firefox");
            before.Similarity.Should().BeApproximately(1.0, 1e-6);
            store.Search(TestVectors.Basis(20), 5, asOf: MemoryAsOf.Parse("2")).Results.Should().ContainSingle("position 2 was inside the old second batch, which was never split")
                .Which.Text.Should().Be("get me firefox");

            store.ExecuteScalarUnvalidatedForTests("SELECT schema_version FROM store_meta").Should().Be(3);
            store.ExecuteScalarUnvalidatedForTests("SELECT DISTINCT typeof(vector) FROM command_embeddings").Should().Be("BLOB");
            store.ExecuteScalarUnvalidatedForTests("SELECT count(*) FROM command_embeddings").Should().Be(3L);

            store.Upsert(4, TestVectors.Record("ls", TestVectors.Basis(40)));
        }

        using var reopened = VectorMemoryStore.Open(_folder.StorePath);
        reopened.Count.Should().Be(3);
        reopened.Checkpoint.Should().Be(4);
        reopened.Search(TestVectors.Basis(40), 1).Results.Single().Command.Should().Be("ls");
        reopened.Search(TestVectors.Basis(20), 1, asOf: MemoryAsOf.Parse("1")).Results.Single().Text.Should().Be("get me firefox");
    }

    [Fact]
    public void A_compacted_store_with_batch_numbered_versions_keeps_its_oldest_readable_version()
    {
        WriteSchema1Store(compactedTo: 2);

        using var store = VectorMemoryStore.Open(_folder.StorePath);
        store.ListVersions().Select(v => v.Version).Should().Equal(3);
        store.OldestReadableVersion.Should().Be(3);
        store.Search(TestVectors.Basis(30), 5, asOf: MemoryAsOf.Parse("3")).Results.Select(r => r.Command).Should().Contain("htop",
            "a row whose own version record was compacted away stays visible at every readable version");
        ((Action)(() => store.Search(TestVectors.Basis(30), 5, asOf: MemoryAsOf.Parse("1")))).ShouldBeRejected("asOf: version 1 is no longer readable*");
    }

    [Fact]
    public void Rows_stored_out_of_ordinal_order_are_loaded_onto_their_ordinals()
    {
        var vectors = TestVectors.Clustered(40, 4, 0.8, seed: 7);
        float[][] written;
        using (var store = VectorMemoryStore.Open(_folder.StorePath))
        {
            store.Upsert(vectors.Select((v, i) => ((long)(i + 1), TestVectors.Record($"cmd-{i}", v))).ToList());
            // Re-recording the first ten appends their new rows after the others: storage order is no longer ordinal order.
            store.Upsert(Enumerable.Range(0, 10).Select(i => ((long)(41 + i), TestVectors.Record($"cmd-{i}", vectors[39 - i]))).ToList());
            written = Enumerable.Range(0, 40).Select(i => store.LiveVector(VectorMemoryStore.IdFor($"cmd-{i}")).ToArray()).ToArray();
        }

        written[3].Should().NotEqual(written[4]).And.HaveCount(VectorMemoryStore.DefaultDimensions);
        using var reopened = VectorMemoryStore.Open(_folder.StorePath);
        reopened.Count.Should().Be(40);
        for (var i = 0; i < 40; i++)
        {
            // Bit for bit what the store held before closing: the BLOB round trip loses nothing.
            reopened.LiveVector(VectorMemoryStore.IdFor($"cmd-{i}")).ToArray().Should().Equal(written[i], $"memory {i} keeps its own vector");
        }

        for (var i = 0; i < 10; i++)
        {
            written[i].Should().Equal(written[39 - i], "a re-recorded memory holds the vector of its new phrasing");
        }

        reopened.Search(vectors[25], 1).Results.Single().Command.Should().Be("cmd-25");
    }

    [Fact]
    public void A_stored_vector_of_the_wrong_length_is_reported_as_a_damaged_file()
    {
        using (var store = VectorMemoryStore.Open(_folder.StorePath))
        {
            store.Upsert(1, TestVectors.Record("htop", TestVectors.Basis(3)));
        }

        using (var connection = new DuckDBConnection($"Data Source={_folder.StorePath}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE command_embeddings SET vector = '\\x00\\x01'::BLOB";
            command.ExecuteNonQuery();
        }

        var open = () => VectorMemoryStore.Open(_folder.StorePath);
        open.Should().Throw<InvalidDataException>().WithMessage("*not 1536 bytes*delete the file to rebuild it*");
    }

    /// <summary>
    /// A file as schema 1 wrote it (the DDL of that version, vectors as <c>FLOAT[384]</c>): "firefox" recorded at
    /// version 1 and re-recorded with another phrasing and vector at version 2, "htop" recorded at version 2 (or, with
    /// <paramref name="compactedTo"/>, at version 1 of a file compacted to version 2: its first firefox row and the
    /// records of versions 0 and 1 deleted).
    /// </summary>
    private void WriteSchema1Store(long? compactedTo = null)
    {
        using var connection = new DuckDBConnection($"Data Source={_folder.StorePath}");
        connection.Open();
        void Execute(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        Execute("CREATE TABLE store_meta(schema_version INTEGER NOT NULL, dimensions INTEGER NOT NULL, embedder VARCHAR, oldest_readable_version BIGINT NOT NULL)");
        Execute("CREATE TABLE projection_checkpoint(sequence_nr BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL)");
        Execute("CREATE TABLE versions(version BIGINT NOT NULL, created_at TIMESTAMP NOT NULL, description VARCHAR NOT NULL, sequence_nr BIGINT NOT NULL, rows_written INTEGER NOT NULL)");
        Execute(
            """
            CREATE TABLE command_embeddings(
                row_id BIGINT NOT NULL, ord INTEGER NOT NULL, id VARCHAR NOT NULL, vector FLOAT[384] NOT NULL,
                command VARCHAR NOT NULL, text VARCHAR NOT NULL, intent VARCHAR,
                success_rate DOUBLE NOT NULL, user_satisfaction DOUBLE, satisfaction_sum DOUBLE NOT NULL,
                satisfaction_count BIGINT NOT NULL, confidence DOUBLE, attempts BIGINT NOT NULL, successes BIGINT NOT NULL,
                embedder VARCHAR NOT NULL, sequence_nr BIGINT NOT NULL, created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL, version_from BIGINT NOT NULL, version_to BIGINT)
            """);
        Execute($"INSERT INTO store_meta VALUES (1, 384, '{TestVectors.Embedder}', {compactedTo ?? 0})");
        Execute($"INSERT INTO projection_checkpoint VALUES (3, '{Stamp(3)}')");
        Execute($"INSERT INTO versions VALUES (0, '{Stamp(0)}', 'created (empty)', 0, 0), (1, '{Stamp(1)}', 'upsert 1 record(s): 1 new, 0 updated', 1, 1), (2, '{Stamp(2)}', 'upsert 2 record(s): 1 new, 1 updated', 3, 2)");
        var firefox = VectorMemoryStore.IdFor("nix-env -iA nixpkgs.firefox");
        var htop = VectorMemoryStore.IdFor("htop");
        if (compactedTo is { } target)
        {
            Execute($"DELETE FROM versions WHERE version < {target}");
            Execute(Row(1, 0, firefox, 21, "nix-env -iA nixpkgs.firefox", "install the firefox browser", 0.5, 2, 1, 2, 2, null, null));
            Execute(Row(2, 1, htop, 30, "htop", "show processes", 1.0, 1, 1, 1, 1, null, null));
            return;
        }

        Execute(Row(0, 0, firefox, 20, "nix-env -iA nixpkgs.firefox", "get me firefox", 0.0, 1, 0, 1, 1, 2, null));
        Execute(Row(1, 0, firefox, 21, "nix-env -iA nixpkgs.firefox", "install the firefox browser", 0.5, 2, 1, 2, 2, null, null));
        Execute(Row(2, 1, htop, 30, "htop", "show processes", 1.0, 1, 1, 3, 2, null, null));
    }

    private static string Row(long rowId, int ord, string id, int axis, string command, string text, double successRate,
        long attempts, long successes, long sequenceNr, long versionFrom, long? versionTo, string? intent)
    {
        var vector = "[" + string.Join(',', TestVectors.Basis(axis).Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]::FLOAT[384]";
        var to = versionTo?.ToString(CultureInfo.InvariantCulture) ?? "NULL";
        var intentSql = intent is null ? "NULL" : $"'{intent}'";
        return string.Create(CultureInfo.InvariantCulture,
            $"INSERT INTO command_embeddings VALUES ({rowId}, {ord}, '{id}', {vector}, '{command}', '{text}', {intentSql}, {successRate}, NULL, 0, 0, NULL, {attempts}, {successes}, '{TestVectors.Embedder}', {sequenceNr}, '{Stamp(versionFrom)}', '{Stamp(sequenceNr)}', {versionFrom}, {to})");
    }

    private static string Stamp(long hours) => Day.AddHours(hours).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
