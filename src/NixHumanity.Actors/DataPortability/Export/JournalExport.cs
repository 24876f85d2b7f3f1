using System.Text.Json.Nodes;
using System.Text.Json;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Infrastructure.Serialization;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.DataPortability.Export;

/// <summary>
/// The journal of one user as JSON lines: one object per event,
/// <c>{"sequenceNr":1,"type":"InteractionRecorded","event":{…}}</c>, in the same JSON the journal stores.
/// </summary>
internal static class JournalExport
{
    /// <summary>Longest line read back: an event's text and pattern data are capped far below it.</summary>
    public const int MaxLineChars = 1024 * 1024;

    /// <summary>Relative path of the events file inside an export folder.</summary>
    public const string EventsPath = "journal/events.jsonl";

    /// <summary>Writes <paramref name="history"/> to <paramref name="path"/>; returns the number of lines.</summary>
    public static async Task<long> WriteAsync(IReadOnlyList<JournaledSessionEvent> history, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var writer = new StreamWriter(path);
        foreach (var (sequenceNr, evt) in history)
        {
            var line = new JsonObject
            {
                ["sequenceNr"] = sequenceNr,
                ["type"] = evt.GetType().Name,
                ["event"] = JsonSerializer.SerializeToNode(evt, evt.GetType(), NixHumanityJsonSerializer.JsonOptions),
            };
            await writer.WriteLineAsync(line.ToJsonString().AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        return history.Count;
    }

    /// <summary>
    /// Reads an events file back. Every line must parse, name a known event type, and the sequence numbers must run
    /// 1, 2, 3, … without a gap; otherwise the whole file is refused (field <c>events</c>, with the line number).
    /// </summary>
    public static IReadOnlyList<ISessionEvent> Read(string path)
    {
        var events = new List<ISessionEvent>();
        var lineNumber = 0;
        using var reader = new StreamReader(InputFile.Check("events", path, long.MaxValue));
        foreach (var line in InputFile.Lines("events", reader, MaxLineChars))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            events.Add(ParseLine(line, lineNumber, expectedSequenceNr: events.Count + 1));
        }

        return events;
    }

    private static ISessionEvent ParseLine(string line, int lineNumber, long expectedSequenceNr)
    {
        try
        {
            var node = JsonNode.Parse(line)?.AsObject() ?? throw new JsonException("not an object");
            var sequenceNr = node["sequenceNr"]?.GetValue<long>() ?? throw new JsonException("no sequenceNr");
            if (sequenceNr != expectedSequenceNr)
            {
                throw Invalid(lineNumber, $"sequenceNr {sequenceNr} where {expectedSequenceNr} was expected (the export is incomplete)");
            }

            var type = node["type"]?.GetValue<string>() ?? throw new JsonException("no type");
            if (!NixHumanityJsonSerializer.TryGetType(type, out var eventType) || !typeof(ISessionEvent).IsAssignableFrom(eventType))
            {
                throw Invalid(lineNumber, $"unknown event type '{type}'");
            }

            return (ISessionEvent)(node["event"].Deserialize(eventType, NixHumanityJsonSerializer.JsonOptions)
                                   ?? throw new JsonException("no event"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw Invalid(lineNumber, $"is not a journal event line ({ex.Message})");
        }
    }

    private static InvalidInputException Invalid(int lineNumber, string rule) =>
        new(new CommandRejected("events", $"line {lineNumber}: {rule}"));
}
