using System.CommandLine;
using NixHumanity.Cli.Charts;

namespace NixHumanity.Cli.Commands;

/// <summary><c>nixh chart</c>: PNG charts of one person's history (flow timeline with notifications).</summary>
internal static class ChartCommand
{
    public static Command Create()
    {
        var user = CommonOptions.User();
        var output = new Option<string>("--out") { Description = "Folder to write the PNG files into", HelpName = "DIR", Required = true };
        var verb = new Command("chart", "Write PNG charts of a user's flow timeline (notifications marked)") { user, output };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "charts", async host =>
        {
            var userId = parse.GetRequiredValue(user);
            var history = await host.Client.ReadSessionHistoryAsync(userId, cancellationToken);
            var flowChart = FlowTimelineChart.Render(userId, history, host.Options.Flow, Path.GetFullPath(parse.GetRequiredValue(output)));
            return new { userId, charts = new[] { flowChart } };
        }));
        return verb;
    }
}
