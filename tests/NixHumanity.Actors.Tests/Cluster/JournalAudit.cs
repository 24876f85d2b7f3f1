using Npgsql;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>An interaction a node acknowledged (its <c>nixh record --json</c> answer): the user's step, and the how-manyth
/// acknowledgement of its load it was.</summary>
public sealed record Acknowledged(string UserId, string Id, long SequenceNr, int Step, int Order);

/// <summary>One row of the shared journal that belongs to a user's session.</summary>
public sealed record JournalRow(string UserId, long SequenceNr, long Ordering, string Writer, string Manifest, string Payload);

/// <summary>
/// Reads the sessions' rows of the shared PostgreSQL journal and checks what no node may break: every acknowledged
/// interaction is there exactly once at its sequence number, and each user's sequence numbers run 1..n without a gap.
/// The journal's unique key (persistence_id, sequence_number) forbids two rows at one position; these checks show
/// nothing acknowledged went missing and nothing was written twice.
/// </summary>
public static class JournalAudit
{
    private const string SessionPrefix = "session-";

    /// <summary>Every session row, in each user's sequence order.</summary>
    public static async Task<IReadOnlyList<JournalRow>> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand(
            "SELECT persistence_id, sequence_number, ordering, COALESCE(writer_uuid, ''), COALESCE(manifest, ''), convert_from(message, 'UTF8') " +
            "FROM journal WHERE persistence_id LIKE 'session-%' ORDER BY persistence_id, sequence_number", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<JournalRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new JournalRow(
                reader.GetString(0)[SessionPrefix.Length..], reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }

        SessionActor.PersistenceIdFor("x").Should().Be(SessionPrefix + "x", "the audit reads the sessions' persistence ids");
        return rows;
    }

    /// <summary>The highest journal position written so far (0 when empty).</summary>
    public static async Task<long> LastOrderingAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT COALESCE(MAX(ordering), 0) FROM journal", connection);
        return (long)(await select.ExecuteScalarAsync())!;
    }

    /// <summary>The writer of <paramref name="userId"/>'s last row (the node hosting it when it was written).</summary>
    public static string LastWriter(IReadOnlyList<JournalRow> rows, string userId) => rows.Last(r => r.UserId == userId).Writer;

    /// <summary>The writer that wrote the last row of most of <paramref name="users"/> (a node's writer, found from
    /// users whose projections that node built).</summary>
    public static string WriterOfMost(IReadOnlyList<JournalRow> rows, IEnumerable<string> users)
    {
        var writers = users.Where(u => rows.Any(r => r.UserId == u)).Select(u => LastWriter(rows, u)).ToList();
        writers.Should().NotBeEmpty("the node hosted users that recorded");
        return writers.GroupBy(w => w).MaxBy(g => g.Count())!.Key;
    }

    /// <summary>
    /// Every acknowledged interaction is in the journal exactly once, at the sequence number it was acknowledged with;
    /// every user's rows are numbered 1..n.
    /// </summary>
    public static void ShouldHoldEveryAcknowledgement(IReadOnlyList<JournalRow> rows, IEnumerable<Acknowledged> acknowledged)
    {
        foreach (var user in rows.GroupBy(r => r.UserId))
        {
            user.Select(r => r.SequenceNr).Should().Equal(
                Enumerable.Range(1, user.Count()).Select(i => (long)i), $"user {user.Key}'s sequence numbers run without a gap");
        }

        var byPosition = rows.ToDictionary(r => (r.UserId, r.SequenceNr));
        var lost = new List<string>();
        foreach (var ack in acknowledged)
        {
            var holding = rows.Where(r => r.Payload.Contains(ack.Id, StringComparison.Ordinal)).ToList();
            if (holding.Count != 1 || !byPosition.TryGetValue((ack.UserId, ack.SequenceNr), out var row) || !row.Payload.Contains(ack.Id, StringComparison.Ordinal))
            {
                lost.Add($"{ack.UserId}#{ack.SequenceNr} {ack.Id} (rows holding it: {holding.Count})");
            }
        }

        lost.Should().BeEmpty("every acknowledged interaction is in the journal once, where it was acknowledged");
    }
}
