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
            .Select(g => (g.Key.UserId, Duration: (g.Max(i => i.At) - g.Min(i => i.At)).TotalSeconds, Peak: g.Max(i => i.HrvCoherence)))
            .GroupBy(s => s.UserId)
            .Select(g => (g.Key, g.Average(s => s.Duration), g.Max(s => s.Peak)))
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .ToList();

    public static List<(DateTimeOffset Week, double Mastery)> ExpectedLearning(IEnumerable<JournaledSessionEvent> journal)
    {
        var counts = new Dictionary<string, (int Attempts, int Successes)>();
        var rates = new List<(DateTimeOffset At, double Rate)>();
        foreach (var i in journal.Select(e => e.Event).OfType<InteractionRecorded>())
        {
            if (i.Command is null || i.Outcome == InteractionOutcome.Unknown)
            {
                continue;
            }

            counts.TryGetValue(i.Command, out var c);
            c = (c.Attempts + 1, c.Successes + (i.Outcome == InteractionOutcome.Success ? 1 : 0));
            counts[i.Command] = c;
            rates.Add((i.At, (double)c.Successes / c.Attempts));
        }

        return rates
            .GroupBy(r => MondayOf(r.At))
            .Select(g => (g.Key, g.Average(r => r.Rate)))
            .OrderBy(r => r.Key)
            .ToList();
    }

    public static List<(DateTimeOffset Start, DateTimeOffset? End, long Interruptions)> ExpectedInterruptions(IEnumerable<JournaledSessionEvent> journal)
    {
        var periods = new List<(DateTimeOffset Start, DateTimeOffset? End, long Interruptions)>();
        var open = false;
        foreach (var entry in journal.OrderBy(e => e.SequenceNr))
        {
            switch (entry.Event)
            {
                case FlowStarted s:
                    periods.Add((s.At, null, 0));
                    open = true;
                    break;
                case FlowEnded e when open:
                    periods[^1] = (periods[^1].Start, e.At, periods[^1].Interruptions);
                    open = false;
                    break;
                case NotificationDelivered or NotificationDeferred when open:
                    periods[^1] = (periods[^1].Start, periods[^1].End, periods[^1].Interruptions + 1);
                    break;
            }
        }

        return periods;
    }

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
