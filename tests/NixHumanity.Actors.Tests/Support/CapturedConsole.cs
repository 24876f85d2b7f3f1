namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// Captures the process's stdout and stderr until disposed, then puts back the writers it found. The console is
/// process-wide, so specs that use it belong to <see cref="ConsoleCollection"/>.
/// </summary>
internal sealed class CapturedConsole : IDisposable
{
    private readonly TextWriter _oldOut = Console.Out;
    private readonly TextWriter _oldError = Console.Error;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    /// <summary>From now on <see cref="Console.Out"/> and <see cref="Console.Error"/> write into this capture.</summary>
    public CapturedConsole()
    {
        Console.SetOut(TextWriter.Synchronized(_stdout));
        Console.SetError(TextWriter.Synchronized(_stderr));
    }

    /// <summary>What was written on stdout so far.</summary>
    public string StdOut => _stdout.ToString();

    /// <summary>What was written on stderr so far.</summary>
    public string StdErr => _stderr.ToString();

    /// <summary>Puts back the writers found at the start.</summary>
    public void Dispose()
    {
        Console.SetOut(_oldOut);
        Console.SetError(_oldError);
        _stdout.Dispose();
        _stderr.Dispose();
    }
}
