using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Hosting.Serving;

/// <summary>
/// The owner's Unix domain socket (<see cref="ServePaths"/>; no TCP listener): one request line per connection, checked
/// peer first (<see cref="PeerCheck"/>), served concurrently by <c>serve</c>, drained on dispose.
/// </summary>
internal sealed class ServeListener : IAsyncDisposable
{
    private const int MaxRequestBytes = 1 << 20;

    // nixh's exit codes (ExitCodes in the command line): 1 for anything unexpected, 2 for input that breaks a rule.
    private const int RefusedExitCode = 1;
    private const int BadRequestExitCode = 2;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlySocket = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly Socket _socket;
    private readonly PeerCheck _peers;
    private readonly Func<ServeRequest, ReplyChannel, CancellationToken, Task<int>> _serve;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private readonly Task _accepting;

    private ServeListener(string socketPath, Socket socket, PeerCheck peers, Func<ServeRequest, ReplyChannel, CancellationToken, Task<int>> serve)
    {
        SocketPath = socketPath;
        _socket = socket;
        _peers = peers;
        _serve = serve;
        _accepting = AcceptAsync();
    }

    public string SocketPath { get; }

    /// <summary>Listens on the data directory's socket. The caller owns the data directory's lock, so a socket file left
    /// by an earlier owner that was killed is replaced.</summary>
    public static ServeListener Start(string dataDirectory, PeerCheck peers, Func<ServeRequest, ReplyChannel, CancellationToken, Task<int>> serve)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("serve needs Unix domain sockets and Unix file modes");
        }

        var folder = ServePaths.Folder(dataDirectory);
        Directory.CreateDirectory(folder, OwnerOnlyFolder);
        File.SetUnixFileMode(folder, OwnerOnlyFolder);
        var socketPath = ServePaths.Socket(dataDirectory);
        File.Delete(socketPath);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(socketPath));
            File.SetUnixFileMode(socketPath, OwnerOnlySocket);
            socket.Listen(128);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ServeListener(socketPath, socket, peers, serve);
    }

    /// <summary>Stops accepting, lets the requests in flight finish (they are cancelled) and removes the socket file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(_inFlight.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        File.Delete(SocketPath);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket peer;
            try
            {
                peer = await _socket.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            RequestPathTrace.Accepted();
            var connection = Task.Run(() => ServeAsync(peer));
            _inFlight[connection] = true;
            _ = connection.ContinueWith(done => _inFlight.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket peer)
    {
        using (peer)
        await using (var stream = new NetworkStream(peer, ownsSocket: false))
        {
            RequestPathTrace.Mark("serving");
            var channel = new ReplyChannel(stream);
            if (_peers.Refusal(peer) is { } refusal)
            {
                // Refused before a byte of the request is read.
                channel.Send("stderr", $"nixh: refused: {refusal}\n");
                channel.Exit(RefusedExitCode);
                return;
            }

            ServeRequest request;
            try
            {
                var line = await ReadLineAsync(stream, _stopping.Token);
                RequestPathTrace.Mark("read");
                request = ServeRequest.Parse(line);
                RequestPathTrace.Mark("parsed");
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException or IOException or OperationCanceledException)
            {
                channel.Send("stderr", $"nixh: request: {ex.Message.ReplaceLineEndings(" ")}\n");
                channel.Exit(BadRequestExitCode);
                return;
            }

            using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            _ = CancelWhenGoneAsync(stream, cancelled);
            channel.Exit(await _serve(request, channel, cancelled.Token));
            RequestPathTrace.Answered();
        }
    }

    /// <summary>The client sends nothing after its request; the end of its stream means it went away (Ctrl+C).</summary>
    private static async Task CancelWhenGoneAsync(Stream stream, CancellationTokenSource cancelled)
    {
        var one = new byte[1];
        try
        {
            while (await stream.ReadAsync(one, cancelled.Token) > 0)
            {
            }

            await cancelled.CancelAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The request finished first.
        }
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            // The client sends one line and then waits; nothing after the newline belongs to the request.
            var end = Array.IndexOf(chunk, (byte)'\n', 0, read);
            line.Write(chunk, 0, end < 0 ? read : end);
            if (line.Length > MaxRequestBytes)
            {
                throw new InvalidDataException($"must be one line of at most {MaxRequestBytes} bytes");
            }

            if (end >= 0)
            {
                return Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
            }
        }

        throw new InvalidDataException("must be one JSON object on one line, ending in a newline");
    }
}
