using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Memory.Where;

namespace NixHumanity.Actors.Tests.Memory;

public sealed class WherePredicateSpecs : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("success_rate > 0.8 AND user_satisfaction >= 0.5", "success_rate > 0.8 AND user_satisfaction >= 0.5")]
    [InlineData("SUCCESS_RATE>0.8", "success_rate > 0.8")]
    [InlineData("text LIKE '%a%b%%c%d%'", "text LIKE '%a%b%%c%d%'")]
    [InlineData("command ILIKE 'nix_env -i_ %'", "command ILIKE 'nix_env -i_ %'")]
    [InlineData("command LIKE 'nix-env%' or NOT (attempts BETWEEN 1 AND 3)", "command LIKE 'nix-env%' OR NOT (attempts BETWEEN 1 AND 3)")]
    [InlineData("intent IN ('install', 'it''s')", "intent IN ('install', 'it''s')")]
    [InlineData("lower(text) = 'x' AND user_satisfaction IS NOT NULL", "lower (text) = 'x' AND user_satisfaction IS NOT NULL")]
    [InlineData("created_at >= '2026-01-01' AND successes * 2 > attempts", "created_at >= '2026-01-01' AND successes * 2 > attempts")]
    public void Valid_predicates_are_re_emitted(string text, string sql) => WherePredicate.Parse(text).Sql.Should().Be(sql);

    [Theory]
    [InlineData("success_rate > 0.8; DROP TABLE command_embeddings", "where: ';' at position 18 is not allowed*")]
    [InlineData("NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT attempts > 1", "where: nested more than 32 levels deep")]
    [InlineData("lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(lower(text))))))))))))))))))))))))))))))))) = 'x'", "where: nested more than 32 levels deep")]
    [InlineData("attempts > - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - 1", "where: nested more than 32 levels deep")]
    [InlineData("text LIKE '_%_%_%_%b'", "where: too expensive: a LIKE pattern with '_' may hold at most one '%' (was '_%_%_%_%b'*")]
    [InlineData("command NOT ILIKE '%a_b%'", "where: too expensive: a LIKE pattern with '_' may hold at most one '%' (was '%a_b%'*")]
    [InlineData("success_rate > 0.8 -- comment", "where: comments are not allowed*")]
    [InlineData("success_rate > 0.8 /* x */", "where: comments are not allowed*")]
    [InlineData("foo > 1", "where: unknown column 'foo'*")]
    [InlineData("vector IS NULL", "where: unknown column 'vector'*")]
    [InlineData("version_to IS NULL", "where: unknown column 'version_to'*")]
    [InlineData("id IN (SELECT id FROM command_embeddings)", "where: expected a literal in the IN list but found 'select'*")]
    [InlineData("success_rate > (SELECT 1)", "where: subqueries are not allowed*")]
    [InlineData("EXISTS (SELECT 1)", "where: subqueries and statements are not allowed ('EXISTS'*")]
    [InlineData("read_csv('/etc/passwd') IS NULL", "where: function 'read_csv' is not allowed*")]
    [InlineData("getenv('HOME') = ''", "where: function 'getenv' is not allowed*")]
    [InlineData("\"success_rate\" > 1", "where: quoted identifiers are not allowed*")]
    [InlineData("success_rate >", "where: expected a column, number, string or '(' but found end of predicate*")]
    [InlineData("(success_rate > 1", "where: expected ')' but found end of predicate*")]
    [InlineData("success_rate > 1)", "where: expected end of predicate but found ')'*")]
    [InlineData("command = 'unterminated", "where: unterminated string*")]
    [InlineData("success_rate > 1e999", "where: malformed number*")]
    [InlineData("success_rate > $1", "where: parameters are not allowed*")]
    [InlineData("   ", "where: must not be blank")]
    [InlineData("success_rate > 0.8 UNION SELECT 1", "where: expected end of predicate but found 'union'*")]
    public void Malformed_or_unsafe_predicates_are_rejected_naming_the_problem(string text, string message)
    {
        var act = () => WherePredicate.Parse(text);
        act.ShouldBeRejected(message);
    }

    [Fact]
    public void The_prefilter_returns_exactly_the_matching_rows()
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        // 40 commands: i successes out of 4 attempts (i % 5), satisfaction i/40 on even i.
        var seq = 0L;
        var expected = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var successes = i % 5;
            for (var a = 0; a < 4; a++)
            {
                store.Upsert(++seq, TestVectors.Record($"cmd-{i}", TestVectors.Basis(i, 0.1f, seed: i), succeeded: a < successes, satisfaction: i % 2 == 0 ? i / 40.0 : null));
            }

            var rate = Math.Min(successes, 4) / 4.0;
            if (rate > 0.7 && i % 2 == 0 && i / 40.0 >= 0.5)
            {
                expected.Add($"cmd-{i}");
            }
        }

        expected.Should().NotBeEmpty();
        var response = store.Search(TestVectors.Basis(0), 1000, "success_rate > 0.7 AND user_satisfaction >= 0.5");

        response.Strategy.Should().Be(SearchStrategy.ExactFiltered);
        response.CandidateRows.Should().Be(expected.Count);
        response.Results.Select(r => r.Command).Should().BeEquivalentTo(expected);
        response.Results.Should().OnlyContain(r => r.SuccessRate > 0.7 && r.UserSatisfaction >= 0.5);

        store.Search(TestVectors.Basis(0), 1000, "command = 'cmd-3' OR command LIKE 'cmd-1_'").Results.Should().HaveCount(11);
        store.Search(TestVectors.Basis(0), 1000, "user_satisfaction IS NULL").Results.Should().HaveCount(20);
        store.Search(TestVectors.Basis(0), 1000, "attempts = 99").Results.Should().BeEmpty();
    }

    [Fact]
    public void A_filter_that_changes_meaning_after_an_upsert_is_re_evaluated()
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        store.Upsert(1, TestVectors.Record("a", TestVectors.Basis(1), succeeded: false));
        store.Search(TestVectors.Basis(1), 5, "success_rate > 0.4").Results.Should().BeEmpty();
        store.Upsert(2, TestVectors.Record("a", TestVectors.Basis(1), succeeded: true));
        store.Search(TestVectors.Basis(1), 5, "success_rate > 0.4").Results.Should().ContainSingle();
    }

    [Fact]
    public void Type_errors_found_by_DuckDB_become_where_errors_and_change_nothing()
    {
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        store.Upsert(1, TestVectors.Record("a", TestVectors.Basis(1)));
        var act = () => store.Search(TestVectors.Basis(1), 5, "created_at > 'not a date'");
        act.ShouldBeRejected("where: DuckDB cannot evaluate the predicate:*");
        store.Search(TestVectors.Basis(1), 5).Results.Should().ContainSingle();
        store.Checkpoint.Should().Be(1);
    }
}

public sealed class VectorMemoryStoreLockdownSpecs : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_connection_cannot_reach_files_or_change_its_settings_even_with_raw_sql()
    {
        var secret = Path.Combine(_folder.Folder, "secret.csv");
        File.WriteAllText(secret, "a,b\n1,2\n");
        using var store = VectorMemoryStore.Open(_folder.StorePath);

        var read = () => store.ExecuteScalarUnvalidatedForTests($"SELECT count(*) FROM read_csv('{secret}')");
        read.Should().Throw<Exception>().WithMessage("*Permission Error*");
        var unlock = () => store.ExecuteScalarUnvalidatedForTests("SET enable_external_access = true");
        unlock.Should().Throw<Exception>().WithMessage("*locked*");
        var attach = () => store.ExecuteScalarUnvalidatedForTests($"ATTACH '{Path.Combine(_folder.Folder, "other.duckdb")}' AS other");
        attach.Should().Throw<Exception>();
    }
}
