using Akka.Hosting;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Tests.Memory;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.DataPortability.Export;

/// <summary>The manifest's time comes from the client's clock, not the wall clock.</summary>
public sealed class ExportClockSpecs : IDisposable
{
    private static readonly DateTimeOffset ExportTime = new(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task The_manifest_is_stamped_with_the_clients_clock()
    {
        await using var tree = ActorTree.Start(Path.Combine(_data.Path, "data"));
        var client = new NixHumanityClient(new RequiredDirectory(tree.Directory), tree.Options, tree.System, new ManualClock(ExportTime));
        await tree.RecordAsync("uma", "install firefox");

        var manifest = await client.ExportAsync("uma", Path.Combine(_data.Path, "export"));

        manifest.ExportedAt.Should().Be(ExportTime);
    }

}
