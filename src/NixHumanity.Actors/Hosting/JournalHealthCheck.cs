using System.Data.Common;
using Akka.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Whether the journal's database answers a query. Akka.Persistence.Sql.Hosting 1.5.70 has a connectivity check of
/// its own, but it is built against an older linq2db than Akka.Persistence.Sql 1.5.73 brings and fails with a
/// <see cref="TypeLoadException"/> (<c>LinqToDB.Data.DataConnectionExtensions</c>), so this one uses ADO.NET directly.
/// </summary>
/// <param name="provider">The journal backend.</param>
/// <param name="connectionString">Its connection string.</param>
internal sealed class JournalHealthCheck(JournalProvider provider, string connectionString) : IAkkaHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(AkkaHealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = Open();
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{provider} journal answers");
        }
        catch (DbException ex)
        {
            var kind = StoreFaults.Classify(ex, provider.ToString())?.Kind.ToString() ?? ex.GetType().Name;
            return HealthCheckResult.Unhealthy($"{provider} journal does not answer ({kind})", ex);
        }
    }

    private DbConnection Open() => new JournalLocation(provider, connectionString).CreateConnection(provider switch
    {
        // Read-only: a check must not create a journal file that is not there.
        JournalProvider.Sqlite => new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString(),
        _ => connectionString,
    });
}
