using NixHumanity.Actors.Session;
using NixHumanity.Actors.Hosting;
using ScottPlot;

namespace NixHumanity.Cli.Charts;

/// <summary>
/// The flow timeline of one person: the flow score after each interaction, flow periods shaded, and every
/// notification marked where it arrived (red: delivered at once, i.e. an interruption; orange: held back during
/// flow) and where held ones were released (blue).
/// </summary>
internal static class FlowTimelineChart
{
    public static string Render(string userId, IReadOnlyList<JournaledSessionEvent> history, FlowOptions flow, string outputDirectory)
    {
        var interactions = history.Select(h => h.Event).OfType<InteractionRecorded>().Where(e => e.ImportKey is null).OrderBy(e => e.At).ToList();
        if (interactions.Count == 0)
        {
            throw new ArgumentException($"'{userId}' has no live interactions to chart", "user");
        }

        var plot = new Plot();
        plot.Title($"Flow timeline — {userId}");
        plot.Axes.Left.Label.Text = "flow score";
        plot.Axes.DateTimeTicksBottom();

        foreach (var (start, end) in FlowPeriods(history, interactions[^1].At))
        {
            var span = plot.Add.HorizontalSpan(start.UtcDateTime.ToOADate(), end.UtcDateTime.ToOADate());
            span.FillStyle.Color = Colors.Green.WithAlpha(0.15);
        }

        var scores = plot.Add.Scatter(
            interactions.Select(e => e.At.UtcDateTime.ToOADate()).ToArray(),
            interactions.Select(e => e.FlowScore).ToArray());
        scores.LegendText = "flow score";
        scores.LineWidth = 2;

        AddThreshold(plot, flow.EnterThreshold, "enter flow");
        AddThreshold(plot, flow.ExitThreshold, "leave flow");
        AddMarkers(plot, history.Select(h => h.Event).OfType<NotificationDelivered>().Select(n => n.At), Colors.Red, "interruption (delivered)");
        AddMarkers(plot, history.Select(h => h.Event).OfType<NotificationDeferred>().Select(n => n.At), Colors.Orange, "held back in flow");
        AddMarkers(plot, history.Select(h => h.Event).OfType<NotificationReleased>().Select(n => n.At), Colors.Blue, "released after flow");

        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(Alignment.LowerRight);
        NixHumanityFiles.EnsureOutputFolder("out", outputDirectory, create: true);
        var path = Path.Combine(outputDirectory, NixHumanityFiles.ChartFileName(NixHumanityFiles.FlowTimelineChart, userId));
        NixHumanityFiles.WriteReplacing(path, plot.GetImageBytes(1200, 450, ImageFormat.Png));
        return path;
    }

    /// <summary>Flow periods from FlowStarted/FlowEnded pairs; a period still open ends at the last interaction.</summary>
    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> FlowPeriods(IReadOnlyList<JournaledSessionEvent> history, DateTimeOffset lastInteraction)
    {
        DateTimeOffset? start = null;
        foreach (var evt in history.Select(h => h.Event))
        {
            switch (evt)
            {
                case FlowStarted started:
                    start = started.At;
                    break;
                case FlowEnded ended when start is { } s:
                    yield return (s, ended.At);
                    start = null;
                    break;
            }
        }

        if (start is { } open)
        {
            yield return (open, lastInteraction);
        }
    }

    private static void AddThreshold(Plot plot, double value, string label)
    {
        var line = plot.Add.HorizontalLine(value);
        line.LinePattern = LinePattern.Dashed;
        line.Color = Colors.Gray;
        line.LegendText = $"{label} ({value:0.00})";
    }

    private static void AddMarkers(Plot plot, IEnumerable<DateTimeOffset> times, Color color, string label)
    {
        var first = true;
        foreach (var at in times)
        {
            var line = plot.Add.VerticalLine(at.UtcDateTime.ToOADate());
            line.Color = color;
            line.LineWidth = 1.5f;
            if (first)
            {
                line.LegendText = label;
                first = false;
            }
        }
    }
}
