using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json;
using NixHumanity.Actors.Memory;
using Spectre.Console;

namespace NixHumanity.Cli.Commands;

/// <summary><c>nixh search</c>: the remembered commands closest in meaning to a request.</summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var user = CommonOptions.User();
        var query = new Argument<string>("text") { Description = "What the person said, e.g. \"instal fire fox\"" };
        var limit = new Option<int>("--limit") { Description = "Results wanted, 1..1000", HelpName = "K", DefaultValueFactory = _ => 5 };
        var where = new Option<string?>("--where") { Description = "Prefilter over metadata, e.g. \"success_rate > 0.8 AND attempts >= 2\"", HelpName = "P" };
        var asOf = new Option<string?>("--as-of") { Description = "Read an older table version: a version number or an ISO-8601 time", HelpName = "V|ISO-8601" };

        var verb = new Command("search", "Find remembered commands by meaning (typos and loose phrasing welcome)") { user, query, limit, where, asOf };
        verb.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var host = await NixhCommandLine.StartHostAsync(parse, cancellationToken);
                var found = await host.Client.SearchAsync(
                    new SearchMemory(parse.GetRequiredValue(user), parse.GetRequiredValue(query), parse.GetValue(limit), parse.GetValue(where), parse.GetValue(asOf)),
                    cancellationToken);
                var output = SearchOutput.From(found);
                if (parse.GetValue(CommonOptions.Json))
                {
                    ResultOutput.Writer.WriteLine(JsonSerializer.Serialize(output));
                }
                else
                {
                    if (output.Abstained)
                    {
                        AnsiConsole.MarkupLine(
                            $"[yellow]Nothing remembered is relevant[/] (best confidence {output.BestConfidence.ToString("0.000", CultureInfo.InvariantCulture)}, " +
                            "below the abstention threshold); the closest memories:");
                    }

                    var table = new Table()
                        .Title($"[bold]{Markup.Escape(output.Query)}[/] — {Markup.Escape(output.UserId)}, version {output.Version}")
                        .AddColumns("#", "command", "said", "score", "confidence", "similarity", "success rate", "satisfaction");
                    foreach (var (hit, rank) in output.Results.Select((h, i) => (h, i + 1)))
                    {
                        table.AddRow(
                            rank.ToString(CultureInfo.InvariantCulture), Markup.Escape(hit.Command), Markup.Escape(hit.Text),
                            hit.Score.ToString("0.000", CultureInfo.InvariantCulture), hit.Confidence.ToString("0.000", CultureInfo.InvariantCulture),
                            hit.Similarity.ToString("0.000", CultureInfo.InvariantCulture),
                            hit.SuccessRate.ToString("0.00", CultureInfo.InvariantCulture),
                            hit.UserSatisfaction?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–");
                    }

                    AnsiConsole.Write(table);
                }

                return ExitCodes.Success;
            }
            catch (Exception ex)
            {
                return NixhCommandLine.Fail(ex);
            }
        });
        return verb;
    }
}

/// <summary>
/// The JSON shape of <c>nixh search --json</c> (result fields in snake_case, as the issue specifies). When
/// <c>abstained</c> is true nothing remembered reached the abstention threshold: <c>results</c> then lists the
/// closest memories, which are not relevant; <c>best_confidence</c> is the highest confidence among the candidates.
/// </summary>
internal sealed record SearchOutput(
    [property: JsonPropertyName("userId")] string UserId,
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("abstained")] bool Abstained,
    [property: JsonPropertyName("best_confidence")] double BestConfidence,
    [property: JsonPropertyName("results")] IReadOnlyList<SearchOutputHit> Results)
{
    public static SearchOutput From(MemorySearched found) => new(
        found.UserId,
        found.Query,
        found.Version,
        found.Abstained,
        found.BestConfidence,
        found.Results.Select(h => new SearchOutputHit(h.Id, h.Command, h.Text, h.Score, h.Confidence, h.Similarity, h.SuccessRate, h.UserSatisfaction)).ToList());
}

/// <summary>One result of <see cref="SearchOutput"/>.</summary>
internal sealed record SearchOutputHit(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("similarity")] double Similarity,
    [property: JsonPropertyName("success_rate")] double SuccessRate,
    [property: JsonPropertyName("user_satisfaction")] double? UserSatisfaction);
