using System.Diagnostics;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// The soak program (<c>benchmarks/NixHumanity.Soak</c>, built next to the tests) as a separate process: one host
/// recording for many users at once and printing <c>ack USER ID SEQ</c> for every acknowledgement. A spec waits on a
/// count of printed acknowledgements (never on the clock) and may kill the process with SIGKILL at that point.
/// </summary>
public sealed class RecordingHost : IDisposable
{
    /// <summary>One printed acknowledgement.</summary>
    public sealed record Ack(string UserId, string InteractionId, long SequenceNr);

    private readonly Process _process;
    private readonly List<Ack> _acks = [];
    private readonly List<string> _other = [];
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (int Count, TaskCompletionSource Reached)? _waiter;

    private RecordingHost(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => OnLine(line.Data);
        _process.ErrorDataReceived += (_, line) => OnOther(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts recording for <paramref name="users"/> users on the data directory for at most <paramref name="minutes"/>.</summary>
    public static RecordingHost Start(string dataDirectory, int users, double minutes = 30)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "NixHumanity.Soak.dll"), "--data-dir", dataDirectory,
            "--users", users.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--minutes", minutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Start();
        return new RecordingHost(process);
    }

    /// <summary>Every acknowledgement printed so far.</summary>
    public IReadOnlyList<Ack> Acks
    {
        get
        {
            lock (_gate)
            {
                return [.. _acks];
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> acknowledgements were printed; fails when the process ends first.</summary>
    public async Task AcknowledgedAsync(int count, CancellationToken bound)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_acks.Count >= count)
            {
                return;
            }

            _waiter = (count, reached);
        }

        var first = await Task.WhenAny(reached.Task, _exited.Task).WaitAsync(bound);
        if (first != reached.Task)
        {
            throw new InvalidOperationException($"the host ended after {Acks.Count} acks: {string.Join('\n', Other())}");
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing the process could still do.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private IReadOnlyList<string> Other()
    {
        lock (_gate)
        {
            return [.. _other];
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _exited.TrySetResult();
            return;
        }

        var parts = line.Split(' ');
        if (parts is not ["ack", var user, var id, var seq])
        {
            OnOther(line);
            return;
        }

        lock (_gate)
        {
            _acks.Add(new Ack(user, id, long.Parse(seq, System.Globalization.CultureInfo.InvariantCulture)));
            if (_waiter is { } waiter && _acks.Count >= waiter.Count)
            {
                _waiter = null;
                waiter.Reached.TrySetResult();
            }
        }
    }

    private void OnOther(string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                _other.Add(line);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
