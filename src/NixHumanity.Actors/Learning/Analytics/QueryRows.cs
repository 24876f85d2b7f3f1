namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// One person's flow sessions, as the strategy's flow query computes them (<c>query flow</c>; SQL in
/// <c>StrategyQueries.FlowSql</c>): per session, the time from its first to its last interaction with
/// <c>flow_score &gt; 0.7</c> and the session's average HRV coherence among them; then per person the average of those
/// durations and the highest session average.
/// </summary>
/// <param name="UserId">The person (<c>user_id</c>).</param>
/// <param name="AvgFlowDuration">Average flow-session duration in seconds (<c>avg_flow_duration</c>); a session with a
/// single interaction in flow lasts 0 s.</param>
/// <param name="PeakCoherence">The highest per-session average HRV coherence (<c>peak_coherence</c>), or <c>null</c> when
/// no sensor supplied one in any session.</param>
public readonly record struct FlowRow(string UserId, double AvgFlowDuration, double? PeakCoherence);

/// <summary>
/// One ISO week of a person's learning curve (<c>query learning</c>; SQL in <c>StrategyQueries.LearningSql</c>): the
/// average <c>success_rate</c> of the command attempts timed in that week, each attempt's rate computed in time order
/// over the command's recent attempts.
/// </summary>
/// <param name="UserId">The person whose store answered (printed as <c>user_id</c> only in a query over every user).</param>
/// <param name="Week">The week's start, Monday 00:00 UTC (<c>week</c>).</param>
/// <param name="Mastery">The average success rate of the week's attempts, in [0, 1] (<c>mastery</c>).</param>
public readonly record struct LearningCurveRow(string UserId, DateTimeOffset Week, double Mastery);

/// <summary>
/// One flow period of a person and the notifications that interrupted it (<c>query interruptions</c>; SQL in
/// <c>StrategyQueries.InterruptionsSql</c>): every notification, delivered or deferred, timed between the period's
/// start and end, both bounds included, whatever the order in which the journal received it.
/// </summary>
/// <param name="UserId">The person whose store answered (printed as <c>user_id</c> only in a query over every user).</param>
/// <param name="FlowStart">When the period started, UTC (<c>flow_start</c>).</param>
/// <param name="FlowEnd">When it ended, UTC (<c>flow_end</c>), or <c>null</c> while it has not ended (then it counts until
/// just before the next period's start, or without end when it is the latest).</param>
/// <param name="Interruptions">How many notifications fell inside it (<c>interruptions</c>).</param>
public readonly record struct InterruptionRow(string UserId, DateTimeOffset FlowStart, DateTimeOffset? FlowEnd, long Interruptions);
