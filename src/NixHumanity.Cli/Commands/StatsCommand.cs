using System.CommandLine;
using Spectre.Console;

namespace NixHumanity.Cli.Commands;

/// <summary><c>nixh stats</c>: users, journal events and store sizes per user.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var verb = new Command("stats", "Show users, journal events, store sizes per user and the embedder in use");
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "stats", async host =>
        {
            var events = await host.Client.JournalEventCountsAsync(cancellationToken);
            var storage = host.Client.DescribeStorage();
            var stores = storage.Users.ToDictionary(s => s.UserId, StringComparer.Ordinal);
            var users = events.Keys.Union(stores.Keys).Order(StringComparer.Ordinal).Select(userId => new
            {
                userId,
                events = events.GetValueOrDefault(userId),
                storeBytes = stores.TryGetValue(userId, out var sizes) ? sizes.Bytes : new Dictionary<string, long>(),
                totalBytes = sizes?.TotalBytes ?? 0,
            }).ToList();
            var result = new
            {
                // The directory asked about (an empty one is answered from a scratch copy that is not worth naming).
                dataDir = host.DataDirectory,
                embedder = storage.Embedder,
                embedderKind = storage.EmbedderKind,
                embedderFallback = storage.EmbedderFallback,
                journal = storage.Journal,
                journalBytes = host.IsEmptyStandIn ? 0 : storage.JournalBytes,
                users = users.Count,
                events = users.Sum(u => u.events),
                perUser = users,
                // Never silent: each time a projection found the journal had lost events it had applied.
                journalLosses = host.Client.JournalLosses(),
                // Never silent either: each time a damaged store was found on start and rebuilt.
                storeRepairs = host.Client.StoreRepairs(),
            };
            if (!parse.GetValue(CommonOptions.Json))
            {
                var table = new Table().Title("users").AddColumns("user", "events", "stores", "bytes");
                foreach (var user in users)
                {
                    table.AddRow(
                        Markup.Escape(user.userId), user.events.ToString(),
                        Markup.Escape(string.Join(", ", user.storeBytes.Select(kv => $"{kv.Key} {kv.Value:N0}"))), user.totalBytes.ToString("N0"));
                }

                AnsiConsole.Write(table);
                foreach (var loss in result.journalLosses)
                {
                    AnsiConsole.MarkupLine(Markup.Escape(
                        $"journal lost events: {loss.Component} of {loss.UserId} had applied up to #{loss.AppliedThrough}, the journal held up to #{loss.JournalHighest} ({loss.Reason}, {loss.DetectedAt:u}); rebuilt, old store at {loss.SetAsideAs}"));
                }

                foreach (var repair in result.storeRepairs)
                {
                    AnsiConsole.MarkupLine(Markup.Escape(
                        $"store damaged: {repair.Store} of {repair.Component} of {repair.UserId} ({string.Join("; ", repair.Problems)}, {repair.DetectedAt:u}); {repair.Rebuilt}, old copy at {repair.SetAsideAs}"));
                }
            }

            return result;
        }));
        return verb;
    }
}
