using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Infrastructure;

public sealed class ChartFilesSpecs : IDisposable
{
    private readonly TempDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_symbolic_link_planted_at_the_chart_name_is_replaced_and_its_target_left_alone()
    {
        var victim = _folder.File("victim.txt");
        File.WriteAllText(victim, "precious");
        var chart = _folder.File(ChartFiles.FileName(ChartFiles.FlowTimeline, "maya"));
        File.CreateSymbolicLink(chart, victim);

        ChartFiles.WriteReplacing(chart, [0x89, 0x50, 0x4E, 0x47]);

        File.ReadAllText(victim).Should().Be("precious", "writing a chart must never follow a link planted at its predictable name");
        new FileInfo(chart).LinkTarget.Should().BeNull("the link itself is replaced by the new file");
        File.ReadAllBytes(chart).Should().Equal(0x89, 0x50, 0x4E, 0x47);
        Directory.GetFiles(_folder.Path).Should().HaveCount(2, "no temporary file is left behind");
    }

    [Fact]
    public void Chart_names_are_exactly_kind_dash_id()
    {
        ChartFiles.Kinds.Select(kind => ChartFiles.FileName(kind, "anna-maya"))
            .Should().Equal("flow-timeline-anna-maya.png", "learning-curve-anna-maya.png");
        FluentActions.Invoking(() => ChartFiles.FileName("notes", "maya")).Should().Throw<ArgumentException>().WithParameterName("kind");
    }
}
