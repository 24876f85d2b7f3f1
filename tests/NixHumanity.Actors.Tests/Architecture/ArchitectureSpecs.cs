using System.Text.RegularExpressions;
using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Cli;

namespace NixHumanity.Actors.Tests.Architecture;

/// <summary>
/// Enforces the code map of docs/architecture.md on the compiled assemblies. ArchUnitNET reads the IL, so every
/// kind of use counts: fields, signatures, base types, attributes, and types touched inside method bodies.
/// </summary>
public sealed class ArchitectureSpecs
{
    private const string Root = "NixHumanity.Actors";

    /// <summary>The one table of which area may use which (besides itself). Keep it equal to docs/architecture.md.</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> AllowedDependencies = new Dictionary<string, string[]>
    {
        ["Contracts"] = [],
        ["Infrastructure"] = ["Contracts"],
        ["Embeddings"] = ["Infrastructure", "Contracts"],
        ["Session"] = ["Infrastructure", "Contracts"],
        ["Projections"] = ["Session", "Infrastructure", "Contracts"],
        ["Memory"] = ["Projections", "Session", "Embeddings", "Infrastructure", "Contracts"],
        ["Learning"] = ["Memory", "Projections", "Session", "Embeddings", "Infrastructure", "Contracts"],
        ["DataPortability"] = ["Memory", "Learning", "Session", "Infrastructure", "Contracts"],
        ["Users"] = ["DataPortability", "Learning", "Memory", "Projections", "Session", "Embeddings", "Infrastructure", "Contracts"],
        ["Hosting"] = ["Users", "DataPortability", "Learning", "Memory", "Projections", "Session", "Embeddings", "Infrastructure", "Contracts"],
    };

    /// <summary>Namespaces that hold stores, and the area whose actor owns them.</summary>
    private static readonly Dictionary<string, string> StoreNamespaces = new()
    {
        [$"{Root}.Memory.Store"] = "Memory",
        [$"{Root}.Memory.Where"] = "Memory",
        [$"{Root}.Learning.Analytics"] = "Learning",
        [$"{Root}.Learning.Tensor"] = "Learning",
    };

    /// <summary>Where DuckDB may be spoken to: the stores, and the infrastructure that opens and classifies them.</summary>
    private static readonly string[] DuckDbSpeakers =
        [$"{Root}.Memory.Store", $"{Root}.Memory.Where", $"{Root}.Learning.Analytics", $"{Root}.Learning.Tensor", $"{Root}.Infrastructure"];

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Loaded = new(() => new ArchLoader()
        .LoadAssemblies(typeof(NixHumanityClient).Assembly, typeof(ExitCodes).Assembly)
        .Build());

    private static IEnumerable<(IType From, IType To)> Dependencies(Func<IType, bool> from) =>
        Loaded.Value.Types
            .Where(t => t.Namespace?.FullName is not null && from(t))
            .SelectMany(t => t.Dependencies.Select(d => (From: t, To: d.Target)))
            .Where(d => d.To?.Namespace?.FullName is not null && d.To.Namespace.FullName.StartsWith(Root + ".", StringComparison.Ordinal))
            .Distinct();

    private static bool InLibrary(IType type) => type.Namespace.FullName.StartsWith(Root + ".", StringComparison.Ordinal);

    internal static string AreaOf(string ns) => ns.Split('.') is { Length: > 2 } parts ? parts[2] : "(root)";

    [Fact]
    public void Every_library_type_lives_in_a_known_area()
    {
        var unknown = Loaded.Value.Types.Where(t => t.Namespace?.FullName is { } ns && ns.StartsWith(Root, StringComparison.Ordinal)
                                                    && !ns.StartsWith(Root + ".Tests", StringComparison.Ordinal)
                                                    && !AllowedDependencies.ContainsKey(AreaOf(ns)))
            .Select(t => t.FullName).ToList();

        unknown.Should().BeEmpty("every type belongs to one of the areas of docs/architecture.md");
    }

    [Fact]
    public void Areas_use_only_the_areas_the_code_map_allows()
    {
        var violations = Dependencies(InLibrary)
            .Select(d => (d.From, d.To, FromArea: AreaOf(d.From.Namespace.FullName), ToArea: AreaOf(d.To.Namespace.FullName)))
            .Where(d => d.FromArea != d.ToArea && AllowedDependencies.TryGetValue(d.FromArea, out var allowed) && !allowed.Contains(d.ToArea))
            .Select(d => $"{d.FromArea} -> {d.ToArea}: {d.From.FullName} uses {d.To.FullName}")
            .Distinct().Order(StringComparer.Ordinal).ToList();

        violations.Should().BeEmpty("docs/architecture.md allows only the listed dependencies");
    }

    [Fact]
    public void Usings_and_doc_references_name_only_the_areas_the_code_map_allows()
    {
        // The compiled code cannot see an unused using or a cref in a doc comment, yet a reader follows both.
        var library = RepositoryFiles.PathOf("src/NixHumanity.Actors");
        var reference = new Regex(@"^using (?:static )?NixHumanity\.Actors\.(?<area>\w+)|cref=""(?<area>\w+)\.", RegexOptions.Multiline);
        var violations = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(library, file))
            .Where(file => !file.StartsWith("obj", StringComparison.Ordinal) && !file.StartsWith("bin", StringComparison.Ordinal))
            .SelectMany(file => reference.Matches(File.ReadAllText(Path.Combine(library, file)))
                .Select(m => (File: file, From: file.Split(Path.DirectorySeparatorChar)[0], To: m.Groups["area"].Value)))
            .Where(r => r.From != r.To && AllowedDependencies.ContainsKey(r.To)
                        && AllowedDependencies.TryGetValue(r.From, out var allowed) && !allowed.Contains(r.To))
            .Select(r => $"{r.From} -> {r.To}: {r.File}")
            .Distinct().Order(StringComparer.Ordinal).ToList();

        violations.Should().BeEmpty("docs/architecture.md allows only the listed dependencies, in the text as in the code");
    }

    [Fact]
    public void No_two_namespaces_depend_on_each_other_even_indirectly()
    {
        var graph = Dependencies(InLibrary)
            .Select(d => (From: d.From.Namespace.FullName, To: d.To.Namespace.FullName))
            .Where(d => d.From != d.To)
            .Distinct()
            .GroupBy(d => d.From)
            .ToDictionary(g => g.Key, g => g.Select(d => d.To).ToList());

        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).Select(c => string.Join(" <-> ", c.Order(StringComparer.Ordinal))).ToList();

        cycles.Should().BeEmpty("namespaces must form a layered graph");
    }

    [Fact]
    public void Stores_are_opened_only_by_their_owners_area()
    {
        // A store is a type in a store namespace that holds a resource (a file, a connection); the records it
        // returns may travel in replies.
        var violations = Dependencies(t => true)
            .Where(d => StoreNamespaces.TryGetValue(d.To.Namespace.FullName, out var owner)
                        && IsResource(d.To)
                        && !d.From.Namespace.FullName.StartsWith($"{Root}.{owner}", StringComparison.Ordinal))
            .Select(d => $"{d.From.FullName} uses {d.To.FullName}")
            .Distinct().Order(StringComparer.Ordinal).ToList();

        violations.Should().BeEmpty("only the owner actor's area opens its stores; others ask the owner with messages");
    }

    [Fact]
    public void Only_stores_and_infrastructure_speak_to_duckdb()
    {
        var violations = Loaded.Value.Types
            .Where(t => t.Namespace?.FullName is { } ns && (InLibrary(t) || ns.StartsWith("NixHumanity.Cli", StringComparison.Ordinal))
                        && !DuckDbSpeakers.Any(s => t.Namespace.FullName.StartsWith(s, StringComparison.Ordinal)))
            .SelectMany(t => t.Dependencies
                .Where(d => d.Target?.Namespace?.FullName?.StartsWith("DuckDB", StringComparison.Ordinal) == true)
                .Select(d => $"{t.FullName} uses {d.Target.FullName}"))
            .Distinct().Order(StringComparer.Ordinal).ToList();

        violations.Should().BeEmpty("SQL against a store is the store's business");
    }

    [Fact]
    public void The_command_line_reaches_no_actor_and_no_store_directly()
    {
        var violations = Dependencies(t => t.Namespace.FullName.StartsWith("NixHumanity.Cli", StringComparison.Ordinal))
            .Where(d => IsActor(d.To) || (StoreNamespaces.ContainsKey(d.To.Namespace.FullName) && IsResource(d.To)))
            .Select(d => $"{d.From.FullName} uses {d.To.FullName}")
            .Distinct().Order(StringComparer.Ordinal).ToList();

        violations.Should().BeEmpty("the command line talks to the library through Hosting and messages");
    }

    private static bool IsResource(IType type) =>
        type.ImplementedInterfaces.Any(i => i.FullName is "System.IDisposable" or "System.IAsyncDisposable");

    private static bool IsActor(IType type) =>
        type is Class c && c.InheritedClasses.Any(b => b.FullName == "Akka.Actor.ActorBase");

    /// <summary>Tarjan's algorithm: the strongly connected components of <paramref name="graph"/>.</summary>
    internal static List<List<string>> StronglyConnected(IReadOnlyDictionary<string, List<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();

        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                components.Add(component);
            }
        }

        foreach (var v in graph.Keys.Where(v => !index.ContainsKey(v)).ToList())
        {
            Visit(v);
        }

        return components;
    }
}
