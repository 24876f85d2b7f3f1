using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NixHumanity.Benchmarks;

/// <summary>
/// One cluster node as its own operating-system process: the real <c>nixh serve --cluster</c> on 127.0.0.1 with its
/// own data directory, the journal on a shared PostgreSQL database (passed through the environment, as docs/cluster.md
/// advises). Verbs reach it through its socket with the JSON lines of docs/serve.md, as the multi-process specs do,
/// so a request costs no client process and the latency measured is the node's answer plus one local round trip.
/// </summary>
internal sealed class ServeNode : IAsyncDisposable
{
    private const int StdErrTailLines = 5000;

    private readonly Process _process;
    private readonly Queue<string> _stderrTail = new();
    private readonly Task _stderrPump;
    private Task _stdoutDrain = Task.CompletedTask;

    private ServeNode(Process process, string name, string dataDirectory)
    {
        _process = process;
        Name = name;
        DataDirectory = dataDirectory;
        _stderrPump = PumpAsync(process.StandardError);
    }

    /// <summary>A name for messages (<c>node2</c>).</summary>
    public string Name { get; }

    /// <summary>The node's data directory (its projections, its socket).</summary>
    public string DataDirectory { get; }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>CPU time (user + system) the process used so far.</summary>
    public TimeSpan CpuTime => _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;

    /// <summary>The last lines the node wrote on stderr (for a failure message, or <c>--node-logs</c>).</summary>
    public string StdErrTail
    {
        get
        {
            lock (_stderrTail)
            {
                return string.Join('\n', _stderrTail);
            }
        }
    }

    /// <summary>The address of a node on 127.0.0.1:<paramref name="port"/>.</summary>
    public static string Address(int port) => $"akka.tcp://nix-humanity@127.0.0.1:{port}";

    /// <summary>
    /// Starts <c>dotnet NIXH serve --cluster</c> on 127.0.0.1:<paramref name="port"/> joining through
    /// <paramref name="seed"/>; returns once it printed its ready line (it is a member that is up).
    /// </summary>
    public static async Task<ServeNode> StartAsync(string nixh, string name, string dataDirectory, string journal, int port, string seed)
    {
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     nixh, "serve", "--data-dir", dataDirectory, "--json", "--cluster", "--hostname", "127.0.0.1",
                     "--port", port.ToString(CultureInfo.InvariantCulture), "--seed-node", seed,
                 })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NIXH_JOURNAL_CONNECTION"] = journal;
        start.Environment["NIXH_EMBEDDER"] = "ngram";
        var process = Process.Start(start)!;
        var node = new ServeNode(process, name, dataDirectory);
        // The ready line is the first line on stdout (a bound on failure: a node joins in seconds to a minute here).
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ready = await process.StandardOutput.ReadLineAsync(limit.Token);
        if (ready is null || !ready.Contains("\"socket\"", StringComparison.Ordinal))
        {
            await node.DisposeAsync();
            throw new InvalidOperationException($"{name} did not serve (ready line: {ready ?? "none"}): {node.StdErrTail}");
        }

        node._stdoutDrain = process.StandardOutput.ReadToEndAsync();
        return node;
    }

    /// <summary>
    /// Runs one verb through the node's socket. Returns <c>null</c> when the node did not answer it within
    /// <paramref name="limit"/> (the socket is gone, the connection ended before the exit line, or no answer in time).
    /// </summary>
    public async Task<VerbAnswer?> TryRunAsync(IReadOnlyList<string> args, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(DataDirectory, "serve", "nixh.sock")), timeout.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var request = new JsonObject { ["args"] = new JsonArray([.. args.Select(a => JsonValue.Create(a))]) };
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToJsonString() + "\n"), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                var reply = JsonNode.Parse(line)!.AsObject();
                if (reply["exit"] is { } exit)
                {
                    return new VerbAnswer(exit.GetValue<int>(), stdout.ToString(), stderr.ToString());
                }

                (reply.ContainsKey("stdout") ? stdout : stderr).Append(reply["stdout"]?.GetValue<string>() ?? reply["stderr"]?.GetValue<string>());
            }

            return null;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: the node ends at once, without leaving or handing anything off.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM (a graceful leave), then waits for the exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    private async Task PumpAsync(StreamReader from)
    {
        while (await from.ReadLineAsync() is { } line)
        {
            lock (_stderrTail)
            {
                _stderrTail.Enqueue(line);
                if (_stderrTail.Count > StdErrTailLines)
                {
                    _stderrTail.Dequeue();
                }
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        await Task.WhenAll(_stderrPump, _stdoutDrain).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }
}

/// <summary>What a verb answered through a node's socket.</summary>
internal sealed record VerbAnswer(int ExitCode, string StdOut, string StdErr);
