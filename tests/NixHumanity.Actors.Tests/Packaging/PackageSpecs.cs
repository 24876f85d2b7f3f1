using System.IO.Compression;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> gives the NuGet packages a consumer installs: the library and the agent provider with their
/// README and XML docs, the CLI as a .NET tool, and the repository's licence once it has one.
/// </summary>
public sealed class PackageSpecs(PackedPackages packages) : IClassFixture<PackedPackages>
{
    public static TheoryData<string> Libraries => new() { "NixHumanity.Actors", "NixHumanity.Agents" };

    public static TheoryData<string> All => new() { "NixHumanity.Actors", "NixHumanity.Agents", "NixHumanity.Cli" };

    [Theory]
    [MemberData(nameof(All))]
    public void Every_package_carries_its_README(string id)
    {
        using var package = packages.Open(id);

        PackedPackages.Nuspec(package).Element("readme")?.Value.Should().Be("README.md");
        PackedPackages.Text(package, "README.md").Should().StartWith("# " + id);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void A_library_package_carries_its_XML_docs_beside_the_assembly(string id)
    {
        using var package = packages.Open(id);

        package.GetEntry($"lib/net10.0/{id}.dll").Should().NotBeNull();
        PackedPackages.Text(package, $"lib/net10.0/{id}.xml").Should().Contain("<member name=\"T:" + id + ".");
    }

    [Fact]
    public void The_agent_provider_depends_on_the_library_package()
    {
        using var package = packages.Open("NixHumanity.Agents");

        PackedPackages.Nuspec(package).Descendants("dependency").Select(d => (string?)d.Attribute("id")).Should().Contain("NixHumanity.Actors");
        PackedPackages.Text(package, "lib/net10.0/NixHumanity.Agents.xml").Should().Contain("T:NixHumanity.Agents.NixHumanityMemoryProvider");
    }

    [Fact]
    public void The_CLI_is_a_dotnet_tool_named_nixh_with_its_configuration_and_the_Linux_native_libraries()
    {
        using var package = packages.Open("NixHumanity.Cli");

        PackedPackages.Nuspec(package).Descendants("packageType").Select(t => (string?)t.Attribute("name")).Should().Contain("DotnetTool");
        PackedPackages.Text(package, "tools/net10.0/any/DotnetToolSettings.xml").Should().Contain("<Command Name=\"nixh\"");
        var entries = package.Entries.Select(e => e.FullName).ToList();
        entries.Should().Contain(["tools/net10.0/any/nixh.dll", "tools/net10.0/any/hocon/akka.conf", "tools/net10.0/any/models/all-MiniLM-L6-v2/vocab.txt"]);
        entries.Should().Contain(e => e.StartsWith("tools/net10.0/any/runtimes/linux-x64/native/", StringComparison.Ordinal));
        entries.Should().NotContain(e => e.Contains("/runtimes/osx", StringComparison.Ordinal) || e.Contains("/runtimes/win", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Every_package_carries_the_repositorys_LICENSE_when_there_is_one(string id)
    {
        using var package = packages.Open(id);
        var licence = RepositoryFiles.PathOf("LICENSE");

        var declared = PackedPackages.Nuspec(package).Element("license");

        if (File.Exists(licence))
        {
            declared.Should().NotBeNull().And.Subject.As<System.Xml.Linq.XElement>().Value.Should().Be("LICENSE");
            PackedPackages.Text(package, "LICENSE").Should().Be(File.ReadAllText(licence));
        }
        else
        {
            // The repository has no LICENSE yet (docs/hosting.md, "Packages"): nothing is invented in its place.
            declared.Should().BeNull();
            package.GetEntry("LICENSE").Should().BeNull();
        }
    }
}
