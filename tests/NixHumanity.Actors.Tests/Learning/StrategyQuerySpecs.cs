using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// The three queries on hand-computed cases where the strategy's SQL and a journal-order reading differ: per-session
/// average coherence, notifications timed inside a period but journaled outside it (and the reverse), older history
/// journaled after newer history, and weeks across a year boundary. Expected numbers are worked out in the comments.
/// </summary>
public sealed class StrategyQuerySpecs : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static InteractionRecorded Interaction(string session, DateTimeOffset at, double flow, double? hrv = null, string user = "maya") =>
        new(Guid.NewGuid().ToString("N"), user, session, "text", null, null, null, InteractionOutcome.Unknown, null, hrv, null, flow, at);

    private static InteractionRecorded Attempt(string command, DateTimeOffset at, bool success) =>
        new(Guid.NewGuid().ToString("N"), "maya", "s", "text", command, null, null,
            success ? InteractionOutcome.Success : InteractionOutcome.Failure, null, null, null, 0.1, at);

    private static List<JournaledSessionEvent> Numbered(long first, params ISessionEvent[] events) =>
        events.Select((e, i) => new JournaledSessionEvent(first + i, e)).ToList();

    private static List<(DateTimeOffset Week, double Mastery)> Curve(AnalyticsStore store) =>
        store.LearningCurve().Rows.Select(r => ((DateTimeOffset)r["week"]!, (double)r["mastery"]!)).ToList();

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void Peak_coherence_is_the_highest_per_session_average_not_the_highest_sample()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        store.ApplyBatch(Numbered(1,
            Interaction("a", Monday, 0.9, hrv: 0.4),
            Interaction("a", Monday.AddMinutes(10), 0.8, hrv: 0.8),
            Interaction("a", Monday.AddMinutes(12), 0.5, hrv: 1.0),          // not in flow: ignored
            Interaction("b", Monday.AddHours(1), 0.95, hrv: 0.5),
            Interaction("b", Monday.AddHours(1).AddMinutes(5), 0.75, hrv: 0.6),
            Interaction("b", Monday.AddHours(1).AddMinutes(2), 0.71),         // in flow, no sensor: not in the average
            Interaction("c", Monday.AddHours(2), 0.9)));                      // in flow, no coherence at all

        var row = store.FlowSessions().Rows.Should().ContainSingle().Subject;

        // Durations: a 10:00→10:10 = 600 s; b 11:00→11:05 = 300 s; c one interaction = 0 s → (600 + 300 + 0) / 3 = 300 s.
        ((double)row["avg_flow_duration"]!).Should().BeApproximately(300, 1e-9);
        // Coherence per session: a (0.4 + 0.8) / 2 = 0.6; b (0.5 + 0.6) / 2 = 0.55; c null → peak 0.6 (the highest
        // single sample in flow, 0.8, is what a MAX per session would have said).
        ((double)row["peak_coherence"]!).Should().BeApproximately(0.6, 1e-12);
    }

    [Fact]
    public void Notifications_count_by_their_time_with_inclusive_bounds_whatever_the_journal_order()
    {
        var t = Monday;
        using var store = AnalyticsStore.Open(_temp.Path);
        store.ApplyBatch(Numbered(1,
            new FlowStarted(0.8, t),                                        // period 10:00 … 10:30
            new NotificationDeferred("n1", "update", t.AddMinutes(5)),      // inside, journaled inside: counts
            new NotificationDelivered("n2", "mail", t.AddHours(-1)),        // back-dated to 09:00, journaled inside: not counted
            new FlowEnded(0.3, "score", t, t.AddMinutes(30))));
        store.ApplyBatch(Numbered(5,
            new NotificationDelivered("n3", "mail", t.AddMinutes(30)),      // on the end bound, journaled after the end: counts
            new NotificationDelivered("n4", "mail", t.AddMinutes(15)),      // timed inside, journaled late: counts
            new NotificationDelivered("n5", "mail", t),                     // on the start bound, journaled late: counts
            new NotificationDelivered("n6", "mail", t.AddMinutes(31)),      // after the end: not counted
            new FlowStarted(0.8, t.AddHours(2)),                            // an open period from 12:00
            new NotificationDelivered("n7", "mail", t.AddHours(3))));       // inside the open period: counts

        var rows = store.Interruptions().Rows
            .Select(r => ((DateTimeOffset)r["flow_start"]!, (DateTimeOffset?)r["flow_end"], (long)r["interruptions"]!))
            .ToList();

        // First period: n1, n3, n4, n5 = 4 (journal order would have counted n1 and n2 = 2). Open period: n7 = 1.
        rows.Should().Equal((t, t.AddMinutes(30), 4L), (t.AddHours(2), null, 1L));
    }

    [Fact]
    public void Imported_older_failures_land_in_their_own_week_and_leave_the_later_week_its_own_successes()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        // Live history first: two successes of ls in the week of Monday 9 March.
        store.ApplyBatch(Numbered(1, Attempt("ls", Utc(2026, 3, 9, 9), true), Attempt("ls", Utc(2026, 3, 10, 9), true)));
        // Then an import of older history: three failures in the week of Monday 2 March, journaled after.
        store.ApplyBatch(Numbered(3,
            Attempt("ls", Utc(2026, 3, 2, 9), false),
            Attempt("ls", Utc(2026, 3, 3, 9), false),
            Attempt("ls", Utc(2026, 3, 4, 9), false)));

        // In time order: F 0/1 = 0, F 0/2 = 0, F 0/3 = 0, S 1/4 = 0.25, S 2/5 = 0.4.
        // Week of 2 March: (0 + 0 + 0) / 3 = 0 (journal order gave (2/3 + 2/4 + 2/5) / 3 ≈ 0.52).
        // Week of 9 March: (0.25 + 0.4) / 2 = 0.325 (journal order gave 1).
        Curve(store).Should().HaveCount(2);
        Curve(store)[0].Week.Should().Be(Utc(2026, 3, 2));
        Curve(store)[0].Mastery.Should().BeApproximately(0, 1e-12);
        Curve(store)[1].Week.Should().Be(Utc(2026, 3, 9));
        Curve(store)[1].Mastery.Should().BeApproximately(0.325, 1e-12);
    }

    [Fact]
    public void Late_attempts_in_the_same_batch_and_after_a_reopen_give_the_same_curve_as_attempts_in_time_order()
    {
        var inOrder = Numbered(1,
            Attempt("git", Utc(2026, 3, 2, 9), false),
            Attempt("git", Utc(2026, 3, 2, 10), true),
            Attempt("ls", Utc(2026, 3, 3, 9), true),
            Attempt("git", Utc(2026, 3, 9, 9), true),
            Attempt("git", Utc(2026, 3, 10, 9), false));
        // The same attempts, the older ones journaled last, over two batches and a reopen.
        var shuffled = new[] { inOrder[3], inOrder[4], inOrder[2], inOrder[1], inOrder[0] }.Select(e => e.Event).ToArray();
        List<(DateTimeOffset, double)> expected;
        using (var ordered = AnalyticsStore.Open(Path.Combine(_temp.Path, "ordered")))
        {
            ordered.ApplyBatch(inOrder);
            expected = Curve(ordered);
        }

        var folder = Path.Combine(_temp.Path, "late");
        using (var late = AnalyticsStore.Open(folder))
        {
            late.ApplyBatch(Numbered(1, shuffled[0], shuffled[1]));
        }

        using (var late = AnalyticsStore.Open(folder))
        {
            late.ApplyBatch(Numbered(3, shuffled[2], shuffled[3], shuffled[4]));
            // git in time order: F 0/1, S 1/2, S 2/3, F 2/4; ls: S 1/1.
            // Week of 2 March: (0 + 0.5 + 1) / 3 = 0.5; week of 9 March: (2/3 + 0.5) / 2 = 7/12.
            Curve(late).Should().Equal(expected);
            Curve(late).Select(c => c.Mastery).Should().Equal([0.5, 7.0 / 12.0], (a, b) => Math.Abs(a - b) < 1e-12);
        }
    }

    [Fact]
    public void A_success_rate_looks_at_the_last_ten_attempts_so_early_failures_leave_the_curve()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        var attempts = new List<ISessionEvent>();
        for (var i = 0; i < 3; i++)
        {
            attempts.Add(Attempt("nix build", Utc(2026, 3, 2, 9 + i), false));
        }

        for (var i = 0; i < 10; i++)
        {
            attempts.Add(Attempt("nix build", Utc(2026, 3, 16, 9 + i), true));
        }

        store.ApplyBatch(Numbered(1, [.. attempts]));

        // Week of 2 March: three failures, 0. Week of 16 March, windows of the last (up to) ten attempts:
        // 1/4, 2/5, 3/6, 4/7, 5/8, 6/9, 7/10, then 8/10, 9/10, 10/10 as the failures leave the window.
        var week16 = (0.25 + 0.4 + 0.5 + (4.0 / 7) + 0.625 + (6.0 / 9) + 0.7 + 0.8 + 0.9 + 1.0) / 10;
        Curve(store).Select(c => c.Mastery).Should().Equal([0.0, week16], (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Weeks_across_a_year_boundary_are_iso_weeks_starting_on_monday()
    {
        using var store = AnalyticsStore.Open(_temp.Path);
        store.ApplyBatch(Numbered(1,
            Attempt("git", Utc(2026, 12, 31, 23, 30), true),     // Thursday
            Attempt("git", Utc(2027, 1, 1, 0, 30), false),       // Friday, the next year, same week
            Attempt("git", Utc(2027, 1, 4), true),               // Monday 00:00: a new week
            Attempt("git", Utc(2026, 12, 27, 23, 59, 59), false))); // Sunday before, journaled last

        // git in time order: F (27 Dec) 0/1 = 0; S (31 Dec) 1/2 = 0.5; F (1 Jan) 1/3; S (4 Jan) 2/4 = 0.5.
        // Weeks: Mon 21 Dec 2026 → 0; Mon 28 Dec 2026 → (0.5 + 1/3) / 2 = 5/12; Mon 4 Jan 2027 → 0.5.
        var curve = Curve(store);
        curve.Select(c => c.Week).Should().Equal(Utc(2026, 12, 21), Utc(2026, 12, 28), Utc(2027, 1, 4));
        curve.Select(c => c.Mastery).Should().Equal([0.0, 5.0 / 12.0, 0.5], (a, b) => Math.Abs(a - b) < 1e-12);
    }
}
