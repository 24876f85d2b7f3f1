using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Packaging;

/// <summary>
/// The solution's packages, made once per test class by <c>dotnet pack --no-build</c> from the binaries the test run
/// was built with (no extra build), in a temp folder deleted afterwards.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    private readonly TempDataDirectory _output = new();

    /// <summary>What <c>dotnet pack</c> printed, for the failure message.</summary>
    public string Log { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // bin/<configuration>/net10.0/: pack the configuration the tests were built in.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "pack", "NixHumanity.Actors.sln", "--no-build", "--no-restore", "-c", configuration, "-o", _output.Path, "-nodeReuse:false" })
        {
            start.ArgumentList.Add(arg);
        }

        using var pack = Process.Start(start)!;
        var stdout = pack.StandardOutput.ReadToEndAsync();
        var stderr = pack.StandardError.ReadToEndAsync();
        await pack.WaitForExitAsync();
        Log = await stdout + await stderr;
        pack.ExitCode.Should().Be(0, Log);
    }

    public Task DisposeAsync()
    {
        _output.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Opens the package <paramref name="id"/> (version whatever was packed) as a zip.</summary>
    public ZipArchive Open(string id)
    {
        var file = Directory.GetFiles(_output.Path, $"{id}.*.nupkg").Where(f => !f.EndsWith(".snupkg", StringComparison.Ordinal))
            .Where(f => char.IsDigit(Path.GetFileName(f)[id.Length + 1])).Should().ContainSingle($"{id} is packed; {Log}").Subject;
        return ZipFile.OpenRead(file);
    }

    /// <summary>The package's nuspec, its namespace removed so specs can name elements plainly.</summary>
    public static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = entry.Open();
        var root = XElement.Load(stream);
        foreach (var element in root.DescendantsAndSelf())
        {
            element.Name = element.Name.LocalName;
        }

        return root.Element("metadata")!;
    }

    /// <summary>The text of the entry <paramref name="path"/>.</summary>
    public static string Text(ZipArchive package, string path)
    {
        using var reader = new StreamReader(package.GetEntry(path)!.Open());
        return reader.ReadToEnd();
    }
}
