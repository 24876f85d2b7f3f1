using System.Reflection;
using System.Runtime.CompilerServices;
using NixHumanity.Actors.Hosting;
using NixHumanity.Agents;
using PublicApiGenerator;

namespace NixHumanity.Actors.Tests.Packaging;

/// <summary>
/// The public API of the library packages is deliberate (ADR 0027): it is kept in an approved file per assembly, and any
/// change to it (a type made public by accident, a member removed) fails here until the new surface is approved.
/// </summary>
public sealed class PublicApiSpecs
{
    public static TheoryData<string> Assemblies => new() { "NixHumanity.Actors", "NixHumanity.Agents" };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void The_public_API_is_the_approved_one(string assemblyName)
    {
        var assembly = assemblyName switch
        {
            "NixHumanity.Actors" => typeof(NixHumanityClient).Assembly,
            _ => typeof(NixHumanityMemoryProvider).Assembly,
        };
        var folder = ApprovedFolder();
        var approvedPath = Path.Combine(folder, assemblyName + ".approved.txt");
        var receivedPath = Path.Combine(folder, assemblyName + ".received.txt");
        var actual = Generate(assembly);
        var approved = File.Exists(approvedPath) ? Normalise(File.ReadAllText(approvedPath)) : "";

        if (actual == approved)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        actual.Should().Be(approved,
            $"the public API of {assemblyName} must not change unnoticed. The surface found was written to {receivedPath}; " +
            $"if the change is intended, approve it with `mv {receivedPath} {approvedPath}` and commit the approved file " +
            "(docs/adr/0027 says what belongs in the public API)");
    }

    private static string Generate(Assembly assembly) => Normalise(assembly.GeneratePublicApi(new ApiGeneratorOptions
    {
        // The target framework attribute says nothing about the API; InternalsVisibleTo stays (who sees the internals).
        ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute"],
    }));

    private static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";

    /// <summary>The approved files live beside this spec in the source tree, so approving is a file move there.</summary>
    private static string ApprovedFolder([CallerFilePath] string sourceFile = "") =>
        Path.Combine(Path.GetDirectoryName(sourceFile)!, "PublicApi");
}
