using System.Runtime.InteropServices;

namespace NixHumanity.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM for one run of <c>nixh</c>: the first signal cancels <see cref="Token"/>, so the verb
/// stops cleanly (its actor tree is stopped through the mailboxes, the journal stays whole) and the process exits
/// with <see cref="ExitCodeOf"/> the signal; a second signal while that stop is still under way (a verb blocked on a
/// file, a store that does not answer) ends the process at once with the same code and one line on stderr.
/// </summary>
/// <remarks>
/// System.CommandLine's own handling is turned off (its second signal raced its first and aborted the process with an
/// unhandled exception, rc 134). The second signal exits through <c>_exit</c>: <see cref="Environment.Exit"/> would
/// run the process-exit hooks, among them the actor system's coordinated shutdown, which is what is stuck.
/// </remarks>
internal sealed class TerminationSignals : IDisposable
{
    /// <summary>Exit code after SIGINT: 128 + 2, as a shell reports a process ended by it.</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>Exit code after SIGTERM: 128 + 15.</summary>
    public const int TerminatedExitCode = 143;

    private static volatile bool _received;
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;
    private int _exitCode = InterruptedExitCode;

    public TerminationSignals()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Whether a signal has asked this process to stop (a cancelled verb then says nothing more).</summary>
    public static bool Received => _received;

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The exit code of the signal received (<see cref="InterruptedExitCode"/> when none was).</summary>
    public int ExitCode => _exitCode;

    /// <summary>The exit code that reports <paramref name="signal"/>.</summary>
    public static int ExitCodeOf(PosixSignal signal) => signal == PosixSignal.SIGTERM ? TerminatedExitCode : InterruptedExitCode;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        // Handled here: the runtime's default (process exit hooks, then death by the signal) is what hung or aborted.
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) == 1)
        {
            _exitCode = ExitCodeOf(context.Signal);
            _received = true;
            CliOutput.Error("interrupted: stopping cleanly (a second Ctrl-C or SIGTERM ends at once)");
            // Cancellation callbacks run elsewhere: this thread must stay free to see a second signal.
            _ = _stop.CancelAsync();
            return;
        }

        CliOutput.Error("interrupted again: ended without a clean stop");
        Console.Error.Flush();
        EndNow(_exitCode);
    }

    private static void EndNow(int exitCode)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            NativeExit(exitCode);
        }

        Environment.Exit(exitCode);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void NativeExit(int status);
}
