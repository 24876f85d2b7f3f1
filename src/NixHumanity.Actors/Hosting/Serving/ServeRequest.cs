using System.Text.Json;

namespace NixHumanity.Actors.Hosting.Serving;

/// <summary>
/// One forwarded command line (docs/serve.md): the arguments as typed, the client's working directory (relative paths
/// resolve against it), its <c>NIXH_*</c> environment, and what its stdout and stderr are.
/// </summary>
internal sealed record ServeRequest(
    IReadOnlyList<string> Args,
    string Cwd,
    IReadOnlyDictionary<string, string> Environment,
    TerminalProfile Stdout,
    TerminalProfile Stderr)
{
    /// <summary>Prefix of the environment variables that change what a verb does.</summary>
    public const string EnvironmentPrefix = "NIXH_";

    /// <summary>Reads a request line; a missing or mistyped field is a <see cref="JsonException"/> naming it.</summary>
    public static ServeRequest Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var args = Required(root, "args", JsonValueKind.Array).EnumerateArray().Select(a => a.GetString() ?? "").ToList();
        var cwd = root.TryGetProperty("cwd", out var c) && c.GetString() is { Length: > 0 } given ? given : "/";
        var env = root.TryGetProperty("env", out var e) && e.ValueKind == JsonValueKind.Object
            ? e.EnumerateObject()
                .Where(p => p.Name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.String)
                .ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : new Dictionary<string, string>();
        return new ServeRequest(args, cwd, env, ReadProfile(root, "stdout"), ReadProfile(root, "stderr"));
    }

    private static JsonElement Required(JsonElement root, string name, JsonValueKind kind) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new JsonException($"{name}: must be a JSON {kind.ToString().ToLowerInvariant()}");

    /// <summary>A missing profile, or one without <c>"terminal": true</c>, is a file or pipe.</summary>
    private static TerminalProfile ReadProfile(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var p) || p.ValueKind != JsonValueKind.Object
            || !p.TryGetProperty("terminal", out var terminal) || terminal.ValueKind != JsonValueKind.True)
        {
            return TerminalProfile.Redirected;
        }

        int Number(string field, int fallback) => p.TryGetProperty(field, out var v) && v.TryGetInt32(out var n) && n > 0 ? n : fallback;
        bool Flag(string field) => p.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.True;
        return new TerminalProfile(
            true, Number("width", 80), Number("height", 24), Flag("ansi"), Math.Clamp(Number("colorSystem", 0), 0, 4), Flag("unicode"), Flag("links"), Flag("interactive"));
    }
}
