using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Memory.Where;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// The memories of one data directory attach to one DuckDB instance locked to its users' folder (docs/adr/0036): raw
/// SQL on one person's connection could name another person's attached database, so the only caller text that reaches
/// the memory's SQL (the <c>--where</c> prefilter) must never get there, and the engine-level lock keeps files
/// outside the folder out of reach of any statement.
/// </summary>
public sealed class SharedMemoryInstanceSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private string Users => Path.Combine(_data.Path, "users");

    private VectorMemoryStore OpenShared(string user) =>
        VectorMemoryStore.Open(Path.Combine(Users, user, "memory", VectorMemoryStore.FileName), new VectorMemoryStoreOptions { SharedInstanceFolder = Users });

    [Fact]
    public void Stores_sharing_an_instance_cannot_reach_files_outside_their_folder_or_change_settings_and_close_their_files()
    {
        var outside = Path.Combine(_data.Path, "secret.csv");
        File.WriteAllText(outside, "a,b\n1,2\n");
        var secondPath = Path.Combine(Users, "b", "memory", VectorMemoryStore.FileName);
        using (var first = OpenShared("a"))
        using (var second = OpenShared("b"))
        {
            first.Upsert(1, TestVectors.Record("a", TestVectors.Basis(1)));
            second.Upsert(1, TestVectors.Record("b", TestVectors.Basis(2)));
            second.Upsert(2, TestVectors.Record("c", TestVectors.Basis(3)));

            // One instance: each connection sees its own file as its default database.
            Databases(first).Should().BeEquivalentTo(Databases(second));
            first.ExecuteScalarUnvalidatedForTests("SELECT count(*) FROM command_embeddings").Should().Be(1L);
            second.ExecuteScalarUnvalidatedForTests("SELECT count(*) FROM command_embeddings").Should().Be(2L);
            var read = () => first.ExecuteScalarUnvalidatedForTests($"SELECT count(*) FROM read_csv('{outside}')");
            read.Should().Throw<Exception>().WithMessage("*Permission Error*");
            var unlock = () => second.ExecuteScalarUnvalidatedForTests("SET enable_external_access = true");
            unlock.Should().Throw<Exception>().WithMessage("*locked*");
            var attach = () => first.ExecuteScalarUnvalidatedForTests($"ATTACH '{Path.Combine(_data.Path, "other.duckdb")}' AS other");
            attach.Should().Throw<Exception>().WithMessage("*Permission Error*");
        }

        // Closed means detached: no handle on either file is left, and they open again with what was written.
        OpenFiles().Should().NotContain(f => f.StartsWith(Users, StringComparison.Ordinal));
        using var reopened = VectorMemoryStore.Open(secondPath);
        reopened.Checkpoint.Should().Be(2);
    }

    [Fact]
    public void A_store_checkpointed_after_every_small_batch_keeps_its_rows_in_a_few_row_groups()
    {
        // The shared instance checkpoints a busy store every 256 KB of log; each checkpoint starts a new row group, and
        // without DuckDB's vacuum merging them a store kept one more (and its metadata in the heap) per checkpoint
        // (docs/adr/0051). Checkpointed here after every batch of 50, as a busy store is.
        const int Batches = 40;
        const int PerBatch = 50;
        using var store = OpenShared("a");
        for (var batch = 0; batch < Batches; batch++)
        {
            var records = Enumerable.Range(0, PerBatch)
                .Select(i => ((long)(batch * PerBatch) + i + 1, TestVectors.Record($"command {batch}-{i}", TestVectors.Basis(i % 8, noise: 0.1f, seed: batch * PerBatch + i))))
                .ToList();
            store.Upsert(records);
            store.Flush();
        }

        store.ExecuteScalarUnvalidatedForTests("SELECT count(*) FROM command_embeddings").Should().Be((long)(Batches * PerBatch));
        RowGroups(store, "command_embeddings").Should().BeLessThanOrEqualTo(3, $"{Batches} checkpoints of {PerBatch} rows each are merged");
        RowGroups(store, "versions").Should().BeLessThanOrEqualTo(3, $"{Batches} checkpoints of {PerBatch} versions each are merged");
    }

    private static long RowGroups(VectorMemoryStore store, string table) =>
        Convert.ToInt64(
            store.ExecuteScalarUnvalidatedForTests($"SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('{table}')"),
            System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_prefilter_query_names_the_stores_own_database_and_only_allowed_names()
    {
        using var first = OpenShared("a");
        using var second = OpenShared("b");
        var own = (string)first.ExecuteScalarUnvalidatedForTests("SELECT current_database()")!;
        var other = (string)second.ExecuteScalarUnvalidatedForTests("SELECT current_database()")!;
        own.Should().NotBe(other);

        first.PrefilterSqlForTests("SUCCESS_RATE > 0.5 and LOWER(Command) like 'nix%'").Should().Be(
            $"SELECT ord FROM \"{own}\".main.command_embeddings WHERE version_to IS NULL AND (success_rate > 0.5 AND lower (command) LIKE 'nix%')",
            "the names come from the allow lists in their own spelling, the table from the store's own database");
    }

    [Fact]
    public void A_where_naming_another_persons_database_or_a_file_is_refused_before_any_SQL_runs()
    {
        using var mine = OpenShared("a");
        using var theirs = OpenShared("b");
        mine.Upsert(1, TestVectors.Record("install firefox", TestVectors.Basis(1)));
        theirs.Upsert(1, TestVectors.Record("their secret command", TestVectors.Basis(1)));
        var other = (string)theirs.ExecuteScalarUnvalidatedForTests("SELECT current_database()")!;
        var theirFile = Path.Combine(Users, "b", "memory", VectorMemoryStore.FileName);

        // Raw SQL on my connection could read their rows: the prefilter grammar is what keeps a request from doing it.
        mine.ExecuteScalarUnvalidatedForTests($"SELECT count(*) FROM {other}.command_embeddings").Should().Be(1L);

        string[] attempts =
        [
            $"{other}.command_embeddings.command = 'x'",
            $"{other}.main.command_embeddings.id IS NOT NULL",
            $"id IN (SELECT id FROM {other}.command_embeddings)",
            $"EXISTS (SELECT 1 FROM {other}.main.command_embeddings)",
            $"command = (SELECT command FROM {other}.command_embeddings LIMIT 1)",
            $"\"{other}\".command = 'x'",
            $"{other} = 'x'",
            $"command_embeddings.command = 'x'",
            $"read_parquet('{theirFile}') IS NULL",
            $"query_table('{other}.command_embeddings') IS NULL",
            $"command IN (FROM '{theirFile}')",
            $"length(command) > 0 UNION SELECT ord FROM {other}.command_embeddings",
            $"attempts > 0) OR (SELECT count(*) FROM {other}.command_embeddings) > 0 AND (1 = 1",
        ];

        foreach (var where in attempts)
        {
            var search = () => mine.Search(TestVectors.Basis(1), 10, where);
            var rejection = search.Should().Throw<InvalidInputException>().Which.Rejection;
            rejection.Field.Should().Be("where", where);
            rejection.Rule.Should().NotStartWith("DuckDB cannot evaluate", "refused by the grammar, before any SQL was written: {0}", where);

            // The same refusal comes from parsing alone, which runs before a query exists: nothing was read.
            var parse = () => WherePredicate.Parse(where);
            parse.Should().Throw<InvalidInputException>().Which.Rejection.Should().Be(rejection);
        }

        mine.Search(TestVectors.Basis(1), 10, "command LIKE '%'").Results.Select(r => r.Command).Should().Equal("install firefox");
    }

    [Fact]
    public async Task Through_the_tree_a_where_naming_another_persons_memory_is_refused_and_answers_only_from_ones_own()
    {
        await using var tree = ActorTree.Start(_data.Path);
        await tree.RecordAsync("rose", "install firefox", command: "nix-env -iA nixpkgs.firefox");
        await tree.RecordAsync("maya", "install the secret tool", command: "nix-env -iA nixpkgs.secret");
        // Both memories hold their row, so both files are attached to the data directory's one instance.
        await Eventually.HoldsAsync(async () =>
        {
            (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("maya"))).Rows.Should().Be(1);
            (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("rose"))).Rows.Should().Be(1);
        }, TimeSpan.FromMinutes(2));

        foreach (var alias in Enumerable.Range(1, 64).Select(i => $"store_{i}"))
        {
            var reply = await tree.AskAsync(new SearchMemory("rose", "install firefox", 10, $"{alias}.command_embeddings.command LIKE '%secret%'"));
            var rejected = reply.Should().BeOfType<CommandRejected>().Subject;
            rejected.Field.Should().Be("where");
            rejected.Rule.Should().Contain("'.'");
        }

        var own = await tree.AskAsync<MemorySearched>(new SearchMemory("rose", "install firefox", 10, "command LIKE '%'"));
        own.Results.Select(r => r.Command).Should().Equal("nix-env -iA nixpkgs.firefox");
    }

    private static List<string> Databases(VectorMemoryStore store)
    {
        var names = (string)store.ExecuteScalarUnvalidatedForTests("SELECT string_agg(database_name, ',' ORDER BY database_name) FROM duckdb_databases() WHERE NOT internal")!;
        return [.. names.Split(',')];
    }

    private static List<string> OpenFiles() =>
        Directory.GetFileSystemEntries("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget).OfType<string>().ToList();
}
