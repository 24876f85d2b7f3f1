using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>
/// Keeps the README's "Hosting it in an assistant" example true: the lines between the markers below are the
/// README's example, compiled with the tests; the spec fails when the two texts drift apart.
/// </summary>
public sealed class ReadmeHostingExampleSpecs
{
    [Fact]
    public void The_readme_example_is_the_code_compiled_here()
    {
        var readme = File.ReadAllText(RepositoryFiles.PathOf("README.md"));
        var start = readme.IndexOf("## Hosting it in an assistant", StringComparison.Ordinal);
        var block = readme[(readme.IndexOf("```csharp\n", start, StringComparison.Ordinal) + "```csharp\n".Length)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        var readmeBody = Normalize(block.Split('\n').Where(l => !l.StartsWith("using ", StringComparison.Ordinal)));

        var source = File.ReadAllLines(SourceFile());
        var from = Array.FindIndex(source, l => l.Trim() == "// README example begins") + 1;
        var to = Array.FindIndex(source, l => l.Trim() == "// README example ends");
        var compiled = Normalize(source[from..to]);

        compiled.Should().Be(readmeBody);
        var readmeUsings = block.Split('\n').Where(l => l.StartsWith("using ", StringComparison.Ordinal)).ToList();
        readmeUsings.Should().BeSubsetOf(source.Where(l => l.StartsWith("using NixHumanity", StringComparison.Ordinal)),
            "the README lists the namespaces its example needs");
    }

    // Never run: it exists so the compiler checks the README's example against the library's API.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "compile-only")]
    private static async Task Example(HostApplicationBuilder builder, IServiceProvider services)
    {
        // README example begins
        // appsettings.json: "NixHumanity": { "DataDirectory": "/var/lib/nix-humanity", "SnapshotInterval": 1000,
        //   "Flow": { "EnterThreshold": 0.7 }, "Embeddings": { "Kind": "MiniLm" }, "Memory": { "PreferenceWeight": 0.2 } }
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"),
            options => options.PassivationTimeout = TimeSpan.FromMinutes(10));   // code wins over configuration
        builder.Services.AddHealthChecks();   // nixhumanity.actor-system / .journal / .stores / .embedder

        // later, anywhere in the app
        var client = services.GetRequiredService<NixHumanityClient>();
        await client.WarmUpAsync("maya");   // optional: load the model and maya's stores before the first answer
        var ack = await client.RecordInteractionAsync(new RecordInteraction("maya", "sprint", "install ripgrep",
            "nix-env -iA nixpkgs.ripgrep", Outcome: InteractionOutcome.Success));
        var found = await client.SearchAsync(new SearchMemory("maya", "instal rip grep", Limit: 3, Where: "success_rate > 0.5"));
        var compacted = await client.CompactMemoryAsync("maya");
        // every call goes through the client: no actor or message type of the library is public
        // README example ends
        _ = (ack, found, compacted);
    }

    private static string Normalize(IEnumerable<string> lines) =>
        string.Join('\n', lines.Select(l => l.Trim()).Where(l => l.Length > 0));

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
