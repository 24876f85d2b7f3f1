using System.Diagnostics;
using NixHumanity.Cli;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>
/// Runs the <c>nixh</c> command line inside the test process, with stdout and stderr captured: a case costs an actor
/// system's start instead of a .NET process's. Console output is process-wide, so specs that use it belong to
/// <see cref="ConsoleCollection"/>, which xunit runs alone.
/// </summary>
public static class InProcessNixh
{
    /// <summary>What one run did: exit code, output, how long it took and how many bytes the process allocated meanwhile.</summary>
    public sealed record Result(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed, long AllocatedBytes);

    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>
    /// Runs nixh with <paramref name="args"/> (give <c>--data-dir</c> and <c>--embedder</c>: the environment's
    /// defaults are the developer's). A run still going after <paramref name="budget"/> (a generous bound that only a
    /// hang reaches) fails with <see cref="TimeoutException"/>; an exception escaping the command line propagates.
    /// </summary>
    public static async Task<Result> RunAsync(TimeSpan budget, params string[] args)
    {
        await OneAtATime.WaitAsync();
        try
        {
            using var console = new CapturedConsole();
            var allocated = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            // WaitAsync throws TimeoutException when the budget passes first.
            var exitCode = await NixhCommandLine.RunAsync(args).WaitAsync(budget);
            return new Result(exitCode, console.StdOut, console.StdErr, clock.Elapsed, GC.GetTotalAllocatedBytes() - allocated);
        }
        finally
        {
            OneAtATime.Release();
        }
    }
}

/// <summary>Specs that capture the process's console; xunit runs this collection alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "console (in-process nixh)";
}
