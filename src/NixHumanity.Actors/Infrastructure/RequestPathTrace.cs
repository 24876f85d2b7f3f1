using System.Diagnostics;
using System.Globalization;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// A timeline of the requests a served owner answers, for finding where a request's milliseconds go: with
/// <c>NIXH_TRACE_REQUEST_PATH=FILE</c> set when the owner starts, each stage a request passes (accepted, parsed, asked,
/// journaled, committed, acknowledged, answered) and each projection batch applied appends one line
/// <c>request µs thread stage</c> to FILE, where µs is a monotonic clock's reading (<see cref="Stopwatch"/>) and
/// request is the number of the latest request accepted. Read by <c>benchmarks/serve/record_breakdown.py</c>. Without the variable every call
/// returns at the first test of a static read-only field.
/// </summary>
/// <remarks>
/// Why a global timeline rather than a trace per request: a request crosses actors, the journal's writer thread and the
/// thread pool, and Akka messages carry no context; the benchmark sends one request at a time, so "the latest request"
/// is the request, and the projection work of the one before it shows up on its timeline, which is what is looked for.
/// Lines are buffered and written when a request's answer has been sent, off the measured path.
/// </remarks>
internal static class RequestPathTrace
{
    /// <summary>The variable naming the trace file.</summary>
    public const string Variable = "NIXH_TRACE_REQUEST_PATH";

    private static readonly string? File = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : null;
    private static readonly Lock Gate = new();
    private static readonly List<(int Request, long At, int Thread, string Stage)> Marks = [];
    private static int _request;

    /// <summary>Whether the owner traces its requests.</summary>
    public static bool Enabled => File is not null;

    /// <summary>A request was accepted: the stages marked from now on are counted as its own.</summary>
    public static void Accepted()
    {
        if (File is null)
        {
            return;
        }

        lock (Gate)
        {
            _request++;
            Marks.Add((_request, Stopwatch.GetTimestamp(), Environment.CurrentManagedThreadId, "accepted"));
        }
    }

    /// <summary>The latest request (or the work following it) reached <paramref name="stage"/>.</summary>
    public static void Mark(string stage)
    {
        if (File is null)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        lock (Gate)
        {
            Marks.Add((_request, now, Environment.CurrentManagedThreadId, stage));
        }
    }

    /// <summary>A request's answer was sent: the lines so far are appended to the file.</summary>
    public static void Answered()
    {
        if (File is null)
        {
            return;
        }

        Mark("answered");
        List<(int Request, long At, int Thread, string Stage)> marks;
        lock (Gate)
        {
            marks = [.. Marks];
            Marks.Clear();
        }

        var lines = marks.Select(m => string.Create(CultureInfo.InvariantCulture,
            $"{m.Request} {m.At * 1_000_000.0 / Stopwatch.Frequency:0} {m.Thread} {m.Stage}"));
        System.IO.File.AppendAllLines(File, lines);
    }
}
