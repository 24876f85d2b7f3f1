using System.CommandLine;
using NixHumanity.Cli.Serve;
using NixHumanity.Actors.Hosting;
using NixHumanity.Cli.Charts;

namespace NixHumanity.Cli.Commands;

/// <summary><c>nixh chart</c>: PNG charts of one person's history (flow timeline with notifications).</summary>
internal static class ChartCommand
{
    public static Command Create()
    {
        var user = CommonOptions.User();
        var output = PathSymbols.Mark(new Option<string>("--out") { Description = "Folder to write the PNG files into", HelpName = "DIR", Required = true });
        var verb = new Command("chart", "Write PNG charts of a user's flow timeline (notifications marked) and weekly learning curve") { user, output };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "charts", async host =>
        {
            var userId = parse.GetRequiredValue(user);
            var folder = NixHumanityFiles.EnsureOutputFolder("out", parse.GetRequiredValue(output), create: false);
            var history = await host.Client.ReadSessionHistoryAsync(userId, cancellationToken);
            var charts = new List<string> { FlowTimelineChart.Render(userId, history, host.Options.Flow, folder) };
            if (LearningCurveChart.RenderQuery(userId, await host.Client.QueryLearningCurveAsync(userId, cancellationToken), folder) is { } curve)
            {
                charts.Add(curve);
            }

            return new { userId, charts };
        }));
        return verb;
    }
}
