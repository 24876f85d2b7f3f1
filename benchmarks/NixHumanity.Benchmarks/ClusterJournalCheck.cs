using Npgsql;

namespace NixHumanity.Benchmarks;

/// <summary>One row of a user's session in the shared PostgreSQL journal, with the writer (node) that wrote it.</summary>
internal sealed record SessionRow(string UserId, long SequenceNr, long Ordering, string Writer, string Manifest, string Payload);

/// <summary>What the journal says about a load: acknowledged interactions missing (or not where acknowledged), users
/// whose sequence numbers have a gap, and interactions journaled without an acknowledgement (requests given up by the
/// client that still got written: allowed, at-least-once).</summary>
internal sealed record JournalVerdict(IReadOnlyList<string> Lost, IReadOnlyList<string> Gaps, int JournaledNotAcknowledged);

/// <summary>
/// Reads the sessions' rows of the shared journal (as the multi-process specs' audit does) and checks every
/// acknowledgement against them: each acknowledged interaction id is in exactly one row, at the user's sequence number
/// it was acknowledged with. Who wrote a row is the node's journal writer (<c>writer_uuid</c>, one per node).
/// </summary>
internal static class ClusterJournalCheck
{
    private const string SessionPrefix = "session-";

    /// <summary>Every session row, in each user's sequence order.</summary>
    public static async Task<IReadOnlyList<SessionRow>> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand(
            "SELECT persistence_id, sequence_number, ordering, COALESCE(writer_uuid, ''), COALESCE(manifest, ''), convert_from(message, 'UTF8') " +
            "FROM journal WHERE persistence_id LIKE 'session-%' ORDER BY persistence_id, sequence_number", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<SessionRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new SessionRow(reader.GetString(0)[SessionPrefix.Length..], reader.GetInt64(1), reader.GetInt64(2),
                reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }

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

    /// <summary>Checks <paramref name="acks"/> against <paramref name="rows"/>.</summary>
    public static JournalVerdict Check(IReadOnlyList<SessionRow> rows, IEnumerable<AckSample> acks)
    {
        var gaps = rows.GroupBy(r => r.UserId)
            .Where(user => !user.Select(r => r.SequenceNr).SequenceEqual(Enumerable.Range(1, user.Count()).Select(i => (long)i)))
            .Select(user => user.Key)
            .ToList();
        var byPosition = rows.GroupBy(r => (r.UserId, r.SequenceNr)).ToDictionary(g => g.Key, g => g.First());
        var ackList = acks.ToList();
        var acknowledgedIds = ackList.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var interactions = rows.Where(r => r.Manifest == "InteractionRecorded").ToList();
        var holding = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in interactions)
        {
            foreach (var id in IdsIn(row.Payload).Where(acknowledgedIds.Contains))
            {
                holding[id] = holding.GetValueOrDefault(id) + 1;
            }
        }

        var lost = ackList
            .Where(a => holding.GetValueOrDefault(a.Id) != 1
                        || !byPosition.TryGetValue((a.UserId, a.SequenceNr), out var row)
                        || !row.Payload.Contains(a.Id, StringComparison.Ordinal))
            .Select(a => $"{a.UserId}#{a.SequenceNr} {a.Id} (rows holding it: {holding.GetValueOrDefault(a.Id)})")
            .ToList();
        var unacknowledged = interactions.Count(r => !IdsIn(r.Payload).Any(acknowledgedIds.Contains));
        return new JournalVerdict(lost, gaps, unacknowledged);
    }

    /// <summary>The id-like tokens of a payload (interaction ids are GUID strings in the event's JSON).</summary>
    private static IEnumerable<string> IdsIn(string payload) =>
        payload.Split('"').Where(token => token.Length >= 32 && Guid.TryParse(token, out _));
}
