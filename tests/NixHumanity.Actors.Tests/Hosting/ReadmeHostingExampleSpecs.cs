using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
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
        builder.Services.AddNixHumanity(options =>
        {
            options.DataDirectory = "/var/lib/nix-humanity";   // default: see above
            options.PassivationTimeout = TimeSpan.FromMinutes(10);
            options.SnapshotInterval = 1000;
            options.Flow = new FlowOptions { EnterThreshold = 0.7, ExitThreshold = 0.4 };
            options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.Onnx,
                Onnx = new OnnxSentenceEmbedderOptions { ModelPath = "/var/lib/nix-humanity/models/all-MiniLM-L6-v2.onnx" } };
            options.Memory.PreferenceWeight = 0.2;
        });

        // later, anywhere in the app
        var client = services.GetRequiredService<NixHumanityClient>();
        var ack = await client.RecordInteractionAsync(new RecordInteraction("maya", "sprint", "install ripgrep",
            "nix-env -iA nixpkgs.ripgrep", Outcome: InteractionOutcome.Success));
        var found = await client.SearchAsync(new SearchMemory("maya", "instal rip grep", Limit: 3, Where: "success_rate > 0.5"));
        var compacted = await client.CompactMemoryAsync("maya");
        // or the actor itself: IRequiredActor<UserDirectory>
        // README example ends
        _ = (ack, found, compacted);
    }

    private static string Normalize(IEnumerable<string> lines) =>
        string.Join('\n', lines.Select(l => l.Trim()).Where(l => l.Length > 0));

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
