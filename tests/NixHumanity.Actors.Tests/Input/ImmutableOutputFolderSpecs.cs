using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Input;

/// <summary>An output folder that exists but takes no file (immutable; root passes permission checks) is an input
/// mistake on <c>out</c>, found before any work, not a .NET exception halfway through the writing.</summary>
public sealed class ImmutableOutputFolderSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly string _immutable;

    public ImmutableOutputFolderSpecs()
    {
        _immutable = _data.File("immutable");
        Directory.CreateDirectory(_immutable);
    }

    public void Dispose()
    {
        ImmutableFolderFactAttribute.Chattr("-i", _immutable);
        _data.Dispose();
    }

    [ImmutableFolderFact]
    public async Task Export_and_chart_into_an_immutable_folder_exit_2_with_an_out_line()
    {
        var dataDir = _data.File("data");
        (await NixhProcess.RunAsync("record", "--data-dir", dataDir, "--user", "rose", "--session", "s", "--text", "install vlc", "--flow-score", "0.5"))
            .ExitCode.Should().Be(0);
        ImmutableFolderFactAttribute.Chattr("+i", _immutable).Should().BeNull();

        var export = await NixhProcess.RunAsync("export", "--data-dir", dataDir, "--user", "rose", "--out", _immutable);
        var chart = await NixhProcess.RunAsync("chart", "--data-dir", dataDir, "--user", "rose", "--out", _immutable);
        var below = await NixhProcess.RunAsync("export", "--data-dir", dataDir, "--user", "rose", "--out", Path.Combine(_immutable, "new"));

        foreach (var result in new[] { export, chart })
        {
            result.ExitCode.Should().Be(2, result.StdErr);
            result.StdErr.TrimEnd().Should().Be(
                "nixh: out: cannot be written into (permission denied, or the folder is immutable or on a read-only file system)");
        }

        below.ExitCode.Should().Be(2, below.StdErr);
        below.StdErr.TrimEnd().Should().StartWith("nixh: out: cannot be created: ");
        Directory.EnumerateFileSystemEntries(_immutable).Should().BeEmpty();
    }
}
