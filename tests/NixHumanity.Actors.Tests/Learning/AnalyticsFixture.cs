using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// A fixed, seeded journal for one user and the answers to the three queries computed in plain C#, independent
/// of the SQL under test.
/// </summary>
internal static class AnalyticsFixture
{
    private static readonly string[] Commands = ["nix-env -iA nixpkgs.firefox", "nixos-rebuild switch", "nix search vim", "nix-collect-garbage -d"];

    public static List<JournaledSessionEvent> Journal(string userId, int seed, int interactions = 600)
    {
        var generator = new JournalGenerator(userId, seed);
        for (var i = 0; i < interactions; i++)
        {
            generator.AddInteraction(i);
            generator.AddFlowOrNotification();
        }

        return generator.Journal;
    }

    public static List<(string UserId, double AvgDuration, double? Peak)> ExpectedFlow(IEnumerable<JournaledSessionEvent> journal) =>
        journal.Select(e => e.Event).OfType<InteractionRecorded>()
            .Where(i => (i.SuppliedFlowScore ?? i.FlowScore) > 0.7)
            .GroupBy(i => (i.UserId, i.SessionId))
            .Select(g => (g.Key.UserId, Duration: (g.Max(i => i.At) - g.Min(i => i.At)).TotalSeconds, AvgCoherence: g.Average(i => i.HrvCoherence)))
            .GroupBy(s => s.UserId)
            .Select(g => (g.Key, g.Average(s => s.Duration), g.Max(s => s.AvgCoherence)))
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Each attempt's rate = successes among the command's last 10 attempts up to it in time order (time, then journal
    /// order), averaged per ISO week.
    /// </summary>
    public static List<(DateTimeOffset Week, double Mastery)> ExpectedLearning(IEnumerable<JournaledSessionEvent> journal)
    {
        var attempts = journal
            .Select(e => (e.SequenceNr, Interaction: e.Event as InteractionRecorded))
            .Where(e => e.Interaction is { Command: not null } i && i.Outcome != InteractionOutcome.Unknown)
            .Select(e => (e.SequenceNr, e.Interaction!.At, Command: e.Interaction.Command!, Success: e.Interaction.Outcome == InteractionOutcome.Success))
            .ToList();
        var rates = new List<(DateTimeOffset At, double Rate)>();
        foreach (var byCommand in attempts.GroupBy(a => a.Command))
        {
            var ordered = byCommand.OrderBy(a => a.At).ThenBy(a => a.SequenceNr).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var window = ordered.Skip(Math.Max(0, i - 9)).Take(Math.Min(10, i + 1)).ToList();
                rates.Add((ordered[i].At, window.Count(a => a.Success) / (double)window.Count));
            }
        }

        return rates
            .GroupBy(r => MondayOf(r.At))
            .Select(g => (g.Key, g.Average(r => r.Rate)))
            .OrderBy(r => r.Key)
            .ToList();
    }

    /// <summary>
    /// Periods: a flow start and the flow end that follows it in the journal; notifications counted by time, bounds
    /// inclusive; an unended period counts until just before the next start (or without end).
    /// </summary>
    public static List<(DateTimeOffset Start, DateTimeOffset? End, long Interruptions)> ExpectedInterruptions(IEnumerable<JournaledSessionEvent> journal)
    {
        var periods = new List<(DateTimeOffset Start, DateTimeOffset? End)>();
        var open = false;
        var notifications = new List<DateTimeOffset>();
        foreach (var entry in journal.OrderBy(e => e.SequenceNr))
        {
            switch (entry.Event)
            {
                case FlowStarted s:
                    periods.Add((s.At, null));
                    open = true;
                    break;
                case FlowEnded e when open:
                    periods[^1] = (periods[^1].Start, e.At);
                    open = false;
                    break;
                case NotificationDelivered d:
                    notifications.Add(d.At);
                    break;
                case NotificationDeferred d:
                    notifications.Add(d.At);
                    break;
            }
        }

        var starts = periods.Select(p => p.Start).OrderBy(t => t).ToList();
        return periods
            .Select(p =>
            {
                var until = p.End ?? starts.Where(t => t > p.Start).Select(t => t.AddTicks(-10)).DefaultIfEmpty(DateTimeOffset.MaxValue).First();
                // DuckDB keeps microseconds: compare at that precision.
                return (p.Start, p.End, (long)notifications.Count(n => Micro(n) >= Micro(p.Start) && Micro(n) <= Micro(until)));
            })
            .OrderBy(p => p.Start)
            .ToList();
    }

    private static long Micro(DateTimeOffset t) => t.UtcTicks / 10;

    public static DateTimeOffset MondayOf(DateTimeOffset at)
    {
        var day = at.UtcDateTime.Date;
        var sinceMonday = ((int)day.DayOfWeek + 6) % 7;
        return new DateTimeOffset(day.AddDays(-sinceMonday), TimeSpan.Zero);
    }

    /// <summary>The seeded random walk behind <see cref="Journal"/>: interactions, flow periods and notifications.</summary>
    private sealed class JournalGenerator(string userId, int seed)
    {
        private readonly Random _rng = new(seed);
        private readonly List<(string Id, DateTimeOffset At)> _deferred = [];
        private long _seq;
        private DateTimeOffset _t = new(2026, 3, 4, 8, 0, 0, TimeSpan.Zero);
        private bool _inFlow;
        private DateTimeOffset _flowStartedAt;
        private int _notification;

        public List<JournaledSessionEvent> Journal { get; } = [];

        public void AddInteraction(int i)
        {
            _t += TimeSpan.FromSeconds(_rng.Next(1, 900));
            if (_rng.Next(40) == 0)
            {
                _t += TimeSpan.FromDays(_rng.Next(1, 4));
            }

            var computed = Math.Round(_rng.NextDouble(), 3);
            double? supplied = _rng.Next(3) == 0 ? Math.Round(_rng.NextDouble(), 3) : null;
            double? hrv = _rng.Next(2) == 0 ? Math.Round(_rng.NextDouble(), 3) : null;
            var command = _rng.Next(5) == 0 ? null : Commands[_rng.Next(Commands.Length)];
            var outcome = (InteractionOutcome)_rng.Next(3);
            Add(new InteractionRecorded($"{userId}-i{i}", userId, $"s{i / 37}", $"text {i}", command, null, command is null ? null : "install",
                outcome, supplied, hrv, null, computed, _t));
        }

        public void AddFlowOrNotification()
        {
            var roll = _rng.Next(10);
            if (!_inFlow && roll < 2)
            {
                _inFlow = true;
                _flowStartedAt = _t;
                Add(new FlowStarted(0.8, _t));
                if (_rng.Next(3) == 0)
                {
                    // Same timestamp as the start, but journaled after it: inside the period.
                    Defer(_t);
                }
            }
            else if (roll is >= 2 and <= 4)
            {
                var at = _t + TimeSpan.FromSeconds(_rng.Next(0, 3));
                _t = at;
                if (_inFlow)
                {
                    Defer(at);
                }
                else
                {
                    Add(new NotificationDelivered($"n{++_notification}", "mail", at));
                }
            }
            else if (_inFlow && roll == 5)
            {
                EndFlow();
            }
        }

        private void EndFlow()
        {
            _inFlow = false;
            Add(new FlowEnded(0.3, "score", _flowStartedAt, _t));
            foreach (var (id, at) in _deferred)
            {
                Add(new NotificationReleased(id, "update", at, _t));
            }

            _deferred.Clear();
        }

        private void Defer(DateTimeOffset at)
        {
            Add(new NotificationDeferred($"n{++_notification}", "update", at));
            _deferred.Add(($"n{_notification}", at));
        }

        private void Add(ISessionEvent e) => Journal.Add(new JournaledSessionEvent(++_seq, e));
    }
}
