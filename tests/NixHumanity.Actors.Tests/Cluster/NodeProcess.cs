using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// One node of a cluster as its own operating-system process: the real <c>nixh serve --cluster</c> on 127.0.0.1 with
/// its own data directory, the journal on a shared PostgreSQL database. Verbs reach it through its socket (the JSON
/// lines of docs/serve.md), the way <c>nixh</c> beside it would, without starting a process per request.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    /// <summary>How long a node may take to start and join on a busy machine (a bound on failure, not a wait).</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(4);

    private readonly Process _process;
    private readonly TempDataDirectory _data;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;

    private NodeProcess(Process process, TempDataDirectory data, string name)
    {
        _process = process;
        _data = data;
        Name = name;
        _stderrPump = PumpAsync(process.StandardError, _stderr);
    }

    /// <summary>A name for messages (<c>node2</c>).</summary>
    public string Name { get; }

    /// <summary>The node's data directory (its local projections, its socket).</summary>
    public string DataDirectory => _data.Path;

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What the node logged on stderr so far.</summary>
    public string StdErr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The users whose projections this node built (their folders under <c>users/</c>): users it hosted.</summary>
    public IReadOnlyList<string> UsersWithProjections
    {
        get
        {
            var folder = Path.Combine(DataDirectory, "users");
            return Directory.Exists(folder) ? [.. Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>()] : [];
        }
    }

    /// <summary>
    /// Starts <c>nixh serve</c> with <paramref name="serveArgs"/> (cluster options, or none for a single process) on the
    /// PostgreSQL journal <paramref name="connectionString"/>, and returns once it printed its ready line (for a cluster
    /// node: once it is a member that is up).
    /// </summary>
    public static async Task<NodeProcess> StartAsync(string name, string connectionString, params string[] serveArgs)
    {
        var data = new TempDataDirectory();
        var start = NixhProcess.StartInfo(false, null, ["serve", "--data-dir", data.Path, "--json", .. serveArgs]);
        // Through the environment, as docs/cluster.md advises: a password stays out of the process list.
        start.Environment["NIXH_JOURNAL_CONNECTION"] = connectionString;
        var process = Process.Start(start)!;
        var node = new NodeProcess(process, data, name);
        using var limit = new CancellationTokenSource(StartLimit);
        var ready = await process.StandardOutput.ReadLineAsync(limit.Token);
        if (ready is null)
        {
            await process.WaitForExitAsync(limit.Token);
            await node._stderrPump;
            throw new InvalidOperationException($"{name} exited {process.ExitCode} before it served: {node.StdErr}");
        }

        JsonDocument.Parse(ready).RootElement.GetProperty("socket").GetString().Should().NotBeNull();
        return node;
    }

    /// <summary>Cluster options of a node on 127.0.0.1:<paramref name="port"/> joining through <paramref name="seed"/>.</summary>
    public static string[] ClusterArgs(int port, string seed) =>
        ["--cluster", "--hostname", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--seed-node", seed];

    /// <summary>The address of a <c>nixh serve</c> node on 127.0.0.1:<paramref name="port"/>.</summary>
    public static string Address(int port) => $"akka.tcp://nix-humanity@127.0.0.1:{port}";

    /// <summary>
    /// Runs one verb on this node through its socket. Returns <c>null</c> when the node did not answer it (the socket is
    /// gone or refuses, or the connection ended before the exit line: the node died or is stopping).
    /// </summary>
    public async Task<VerbResult?> TryRunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(DataDirectory, "serve", "nixh.sock")), cancellationToken);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var request = new JsonObject { ["args"] = new JsonArray([.. args.Select(a => JsonValue.Create(a))]) };
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToJsonString() + "\n"), cancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var reply = JsonNode.Parse(line)!.AsObject();
                if (reply["exit"] is { } exit)
                {
                    return new VerbResult(exit.GetValue<int>(), stdout.ToString(), stderr.ToString());
                }

                (reply.ContainsKey("stdout") ? stdout : stderr).Append(reply["stdout"]?.GetValue<string>() ?? reply["stderr"]?.GetValue<string>());
            }

            return null;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return null;
        }
    }

    /// <summary>Runs one verb and expects it to succeed; returns its <c>--json</c> output.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var result = await TryRunAsync([.. args, "--json"], limit.Token);
        result.Should().NotBeNull($"{Name} answers {string.Join(' ', args)}");
        result!.ExitCode.Should().Be(0, $"{Name} answers {string.Join(' ', args)}: {result.StdErr}");
        return result.StdOut.Trim();
    }

    /// <summary>SIGKILL: the node ends at once, without leaving or handing anything off.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGSTOP: the process is frozen (no heartbeat, no request served) until <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT: a paused process runs again.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>SIGTERM, then waits for the exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        await SignalAsync("TERM");
        return await WaitForExitAsync(TimeSpan.FromMinutes(3));
    }

    /// <summary>Waits (bounded by <paramref name="limit"/>) for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        await _stderrPump;
        return _process.ExitCode;
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        kill.ExitCode.Should().Be(0, $"SIGNAL {signal} reaches {Name}");
    }

    private static async Task PumpAsync(StreamReader from, StringBuilder into)
    {
        while (await from.ReadLineAsync() is { } line)
        {
            lock (into)
            {
                into.AppendLine(line);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGKILL ends a paused process too.
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _data.Dispose();
    }
}

/// <summary>What a verb answered through a node's socket.</summary>
public sealed record VerbResult(int ExitCode, string StdOut, string StdErr);
