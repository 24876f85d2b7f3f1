namespace NixHumanity.Actors.Tests.Postgres;

/// <summary>
/// A fact that runs against a real PostgreSQL server named by <c>NIXH_TEST_POSTGRES</c> (an admin connection
/// string; <c>.ci/run</c> installs and starts the server and sets it). Outside CI, a machine without that variable
/// skips these tests with the reason; in CI (<c>CI=true</c>) the test runs and fails if the server is missing, so
/// CI can never go green without exercising PostgreSQL.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "NIXH_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        var configured = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable));
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!configured && !inCi)
        {
            Skip = $"set {Variable} to a PostgreSQL connection string (e.g. Host=127.0.0.1;Username=nixh;Password=nixh;Database=postgres) to run; CI does";
        }
    }
}
