using Akka.Actor;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Session;

/// <summary>
/// Decides when a projection owner (memory, learner) commits the live events it has buffered, so that each
/// projection commits at most once per <see cref="MinInterval"/> under a burst and at once when events are sparse.
/// </summary>
/// <remarks>
/// Each commit of a projection is a DuckDB transaction with a WAL fsync. The events of one person arrive one at a
/// time, so committing whenever the mailbox drains meant one fsync per event per projection; with many people
/// recording at once the disk saturated and slowed the session journal too. The owner asks
/// <see cref="DelayBeforeFlush"/> when its mailbox has drained (its flush marker comes up): zero means commit now
/// (the last commit is at least the interval ago, or the interval is zero), anything else means start a single
/// timer for that long and keep buffering. Every commit (drain, timer, batch limit, or a query that flushes first)
/// goes through <see cref="Flushed"/>. Time is read monotonically from the actor's <see cref="TimeProvider"/>
/// (<see cref="TimeProvider.GetTimestamp"/>), so a test clock that only moves the wall time does not stall it.
/// </remarks>
internal sealed class ProjectionFlushPacer
{
    /// <summary>The key of the owner's flush timer.</summary>
    public const string TimerKey = "live-flush";

    private readonly TimeProvider _clock;
    private long? _lastFlush;

    /// <summary>Creates a pacer.</summary>
    /// <param name="minInterval">Least time between two commits; zero commits whenever the mailbox drains.</param>
    /// <param name="clock">The actor's clock.</param>
    public ProjectionFlushPacer(TimeSpan minInterval, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minInterval, TimeSpan.Zero);
        MinInterval = minInterval;
        _clock = clock;
    }

    /// <summary>Least time between two commits.</summary>
    public TimeSpan MinInterval { get; }

    /// <summary>Commits of live events since the actor started.</summary>
    public long Batches { get; private set; }

    /// <summary>How long to wait before committing the buffer: zero when a commit may happen now.</summary>
    public TimeSpan DelayBeforeFlush()
    {
        if (MinInterval <= TimeSpan.Zero || _lastFlush is not { } last)
        {
            return TimeSpan.Zero;
        }

        var elapsed = _clock.GetElapsedTime(last);
        return elapsed >= MinInterval ? TimeSpan.Zero : MinInterval - elapsed;
    }

    /// <summary>
    /// The owner's mailbox has drained of events: true when it should commit now; otherwise a single timer (unless
    /// one runs already) sends it <see cref="FlushDue"/> when the interval has passed, and it keeps buffering.
    /// </summary>
    /// <param name="timers">The owner's timers.</param>
    public bool FlushNowOrSchedule(ITimerScheduler timers)
    {
        var delay = DelayBeforeFlush();
        if (delay <= TimeSpan.Zero)
        {
            return true;
        }

        if (!timers.IsTimerActive(TimerKey))
        {
            timers.StartSingleTimer(TimerKey, FlushDue.Instance, delay);
        }

        return false;
    }

    /// <summary>Records a commit of live events (from any path) and cancels the timer, which has nothing left to do.</summary>
    /// <param name="timers">The owner's timers.</param>
    public void Flushed(ITimerScheduler timers)
    {
        timers.Cancel(TimerKey);
        _lastFlush = _clock.GetTimestamp();
        Batches++;
    }
}

/// <summary>
/// For tests: how a projection owner's live commits stand, read without flushing (every other query flushes the
/// buffer first). Replied to with <see cref="LiveFlushState"/>.
/// </summary>
/// <param name="UserId">The person.</param>
internal sealed record InspectMemoryLiveFlush(string UserId) : IMemoryMessage;

/// <summary>As <see cref="InspectMemoryLiveFlush"/>, for the learner.</summary>
/// <param name="UserId">The person.</param>
internal sealed record InspectLearnerLiveFlush(string UserId) : ILearnerMessage;

/// <summary>Reply to <see cref="InspectMemoryLiveFlush"/> and <see cref="InspectLearnerLiveFlush"/>.</summary>
/// <param name="Batches">Commits of live events since the actor started.</param>
/// <param name="Pending">Live events buffered and not yet committed.</param>
/// <param name="TimerActive">Whether a delayed commit is scheduled.</param>
internal sealed record LiveFlushState(long Batches, int Pending, bool TimerActive);

/// <summary>The message the flush timer sends its owner.</summary>
internal sealed class FlushDue
{
    public static readonly FlushDue Instance = new();

    private FlushDue()
    {
    }
}
