using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Hosting;
using ScottPlot;

namespace NixHumanity.Cli.Charts;

/// <summary>The weekly learning curve: average success rate of the person's command attempts per week.</summary>
internal static class LearningCurveChart
{
    /// <summary>Renders the rows of <c>query learning</c> (week, mastery); null when there are none.</summary>
    public static string? RenderQuery(string userId, IReadOnlyList<LearningCurveRow> learning, string outputDirectory)
    {
        var weeks = learning
            .Select(row => (row.Week, row.Mastery))
            .OrderBy(w => w.Week)
            .ToList();
        return weeks.Count == 0 ? null : Render(userId, weeks, outputDirectory);
    }

    public static string Render(string userId, IReadOnlyList<(DateTimeOffset Week, double Mastery)> weeks, string outputDirectory)
    {
        if (weeks.Count == 0)
        {
            throw new ArgumentException($"'{userId}' has no command attempts to chart", "user");
        }

        var plot = new Plot();
        plot.Title($"Weekly learning curve — {userId}");
        plot.Axes.Left.Label.Text = "mastery (average success rate)";
        plot.Axes.DateTimeTicksBottom();
        var xs = weeks.Select(w => w.Week.UtcDateTime.ToOADate()).ToArray();
        var ys = weeks.Select(w => w.Mastery).ToArray();
        var line = plot.Add.Scatter(xs, ys);
        line.LineWidth = 2;
        line.MarkerSize = 8;
        plot.Axes.SetLimitsY(0, 1.05);
        if (xs.Length == 1)
        {
            // One week still deserves a readable axis.
            plot.Axes.SetLimitsX(xs[0] - 7, xs[0] + 7);
        }

        NixHumanityFiles.EnsureOutputFolder("out", outputDirectory, create: true);
        var path = Path.Combine(outputDirectory, NixHumanityFiles.ChartFileName(NixHumanityFiles.LearningCurveChart, userId));
        NixHumanityFiles.WriteReplacing(path, plot.GetImageBytes(900, 400, ImageFormat.Png));
        return path;
    }
}
