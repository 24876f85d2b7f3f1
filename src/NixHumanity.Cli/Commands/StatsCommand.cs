using System.CommandLine;
using NixHumanity.Actors.Infrastructure;
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
            var stores = DataDirectoryStats.UserStores(host.Options.Data).ToDictionary(s => s.UserId, StringComparer.Ordinal);
            var users = events.Keys.Union(stores.Keys).Order(StringComparer.Ordinal).Select(userId => new
            {
                userId,
                events = events.GetValueOrDefault(userId),
                storeBytes = stores.TryGetValue(userId, out var sizes) ? sizes.Bytes : new Dictionary<string, long>(),
                totalBytes = sizes?.TotalBytes ?? 0,
            }).ToList();
            // The same selection the actor system made (configured embedder, or its fallback when a file is absent).
            string embedder;
            using (var selected = host.Options.CreateEmbedder())
            {
                embedder = selected.Id;
            }

            var result = new
            {
                dataDir = host.Options.Data.Root,
                embedder,
                journal = host.Options.JournalProvider.ToString().ToLowerInvariant(),
                journalBytes = DataDirectoryStats.JournalBytes(host.Options.Data),
                users = users.Count,
                events = users.Sum(u => u.events),
                perUser = users,
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
            }

            return result;
        }));
        return verb;
    }
}
