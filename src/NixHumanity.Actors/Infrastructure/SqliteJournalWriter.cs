using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Util;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// Writes events to the SQL persistence plugin's <c>journal</c> table on SQLite with plain ADO.NET, in the plugin's row
/// format (its default table mapping and tag table mode): the columns the plugin fills and the values it puts there
/// (creation time in ticks, <c>deleted</c> 0, the payload serialized with the actor system's serialization and its
/// serializer id and manifest, one writer id per journal), a tagged event's tags in <c>tags</c> under the row's
/// <c>ordering</c>. What the plugin's writer cost a verb in its own process (an Akka.Streams write queue, linq2db's data
/// layer and its first insert compiled at run time) is gone; the rows are the same, so the plugin and
/// <see cref="SqliteJournalRows"/> read them as before (ADR 0045).
/// </summary>
/// <param name="connectionString">The journal file's connection string.</param>
/// <param name="serialization">The actor system's serialization.</param>
/// <param name="defaultSerializer">The plugin's <c>serializer</c> setting, if any.</param>
internal sealed class SqliteJournalWriter(string connectionString, Akka.Serialization.Serialization serialization, string? defaultSerializer)
{
    // The plugin gives each journal instance a writer id of its own, in this format.
    private readonly string _writerUuid = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Serializes <paramref name="writes"/> as the plugin does, on the caller's thread: an <see cref="AtomicWrite"/> whose
    /// payload cannot be serialized is rejected alone (it is not written; the others are).
    /// </summary>
    /// <param name="writes">The group's writes, in order.</param>
    /// <param name="now">The creation time (ticks) of events that carry none.</param>
    public SerializedGroup Serialize(IReadOnlyList<AtomicWrite> writes, long now)
    {
        var rows = new List<Row>();
        var rejections = new Exception?[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            try
            {
                var payloads = writes[i].Payload as IImmutableList<IPersistentRepresentation>
                    ?? throw new ArgumentNullException(nameof(writes),
                        $"{writes[i].PersistenceId} received empty payload for sequenceNr range {writes[i].LowestSequenceNr} - {writes[i].HighestSequenceNr}");
                var serialized = new Row[payloads.Count];
                for (var j = 0; j < payloads.Count; j++)
                {
                    serialized[j] = ToRow(payloads[j], now);
                }

                rows.AddRange(serialized);
            }
            catch (Exception ex)
            {
                rejections[i] = ex;
            }
        }

        // One entry per write, null where it was not rejected: Akka's journal API takes nothing else (an empty list for a
        // non-empty group is refused), and the plugin answers the same way.
        return new SerializedGroup(rows, rejections.Select(r => r!).ToImmutableList());
    }

    /// <summary>
    /// Writes the group's rows in one transaction and returns once it has committed (the journal file is in WAL mode
    /// with SQLite's default <c>synchronous = FULL</c>, so the commit is on disk when it returns).
    /// </summary>
    /// <returns>The group's rejections: one entry per write, null where it was written.</returns>
    public IImmutableList<Exception> Write(SerializedGroup group)
    {
        if (group.Rows.Count > 0)
        {
            using var connection = SqliteJournalRows.Open(connectionString);
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText =
                "INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) " +
                "VALUES ($created, 0, $pid, $seq, $message, $manifest, $identifier, $writer)";
            var created = insert.Parameters.Add("$created", Microsoft.Data.Sqlite.SqliteType.Integer);
            var persistenceId = insert.Parameters.Add("$pid", Microsoft.Data.Sqlite.SqliteType.Text);
            var sequenceNr = insert.Parameters.Add("$seq", Microsoft.Data.Sqlite.SqliteType.Integer);
            var message = insert.Parameters.Add("$message", Microsoft.Data.Sqlite.SqliteType.Blob);
            var manifest = insert.Parameters.Add("$manifest", Microsoft.Data.Sqlite.SqliteType.Text);
            var identifier = insert.Parameters.Add("$identifier", Microsoft.Data.Sqlite.SqliteType.Integer);
            insert.Parameters.AddWithValue("$writer", _writerUuid);
            foreach (var row in group.Rows)
            {
                created.Value = row.Created;
                persistenceId.Value = row.PersistenceId;
                sequenceNr.Value = row.SequenceNr;
                message.Value = row.Message;
                manifest.Value = row.Manifest;
                identifier.Value = row.SerializerId;
                insert.ExecuteNonQuery();
                if (row.Tags.Length == 0)
                {
                    continue;
                }

                // The tag rows point at the journal row just inserted (its ordering), as the plugin's tag table mode writes them.
                using var lastRow = connection.CreateCommand();
                lastRow.Transaction = transaction;
                lastRow.CommandText = "SELECT last_insert_rowid()";
                var ordering = (long)lastRow.ExecuteScalar()!;
                foreach (var tag in row.Tags)
                {
                    using var tagInsert = connection.CreateCommand();
                    tagInsert.Transaction = transaction;
                    tagInsert.CommandText = "INSERT INTO tags (ordering_id, tag, sequence_nr, persistence_id) VALUES ($ordering, $tag, $seq, $pid)";
                    tagInsert.Parameters.AddWithValue("$ordering", ordering);
                    tagInsert.Parameters.AddWithValue("$tag", tag);
                    tagInsert.Parameters.AddWithValue("$seq", row.SequenceNr);
                    tagInsert.Parameters.AddWithValue("$pid", row.PersistenceId);
                    tagInsert.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }

        return group.Rejections;
    }

    private Row ToRow(IPersistentRepresentation representation, long now)
    {
        var payload = representation.Payload;
        string[] tags = [];
        if (payload is Tagged tagged)
        {
            payload = tagged.Payload;
            tags = [.. tagged.Tags];
        }

        var serializer = serialization.FindSerializerForType(payload.GetType(), defaultSerializer);
        var manifest = serializer switch
        {
            Akka.Serialization.SerializerWithStringManifest withManifest => withManifest.Manifest(payload),
            { IncludeManifest: true } => payload.GetType().TypeQualifiedName(),
            _ => string.Empty,
        };
        var message = Akka.Serialization.Serialization.WithTransport(serialization.System, (serializer, payload), state => state.serializer.ToBinary(state.payload));
        return new Row(
            representation.PersistenceId,
            representation.SequenceNr,
            representation.Timestamp == 0 ? now : representation.Timestamp,
            message,
            manifest,
            serializer.Identifier,
            tags);
    }

    /// <summary>A group's rows, ready to write, and the writes rejected while serializing them.</summary>
    /// <param name="Rows">The rows of the writes not rejected, in order.</param>
    /// <param name="Rejections">One entry per write: null where it was not rejected.</param>
    internal sealed record SerializedGroup(List<Row> Rows, IImmutableList<Exception> Rejections);

    /// <summary>One journal row.</summary>
    internal sealed record Row(string PersistenceId, long SequenceNr, long Created, byte[] Message, string Manifest, int SerializerId, string[] Tags);
}
