using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace NixHumanity.Benchmarks;

/// <summary>One acknowledged interaction as the client saw it: when it was first sent and when its ack arrived
/// (seconds on the run's clock), the latency of the attempt that was acknowledged, and the node it went through.</summary>
internal sealed record AckSample(string UserId, int Step, string Id, long SequenceNr, double FirstSentAt, double AckAt, double AttemptMs, int Node);

/// <summary>
/// Closed-loop load on the node processes of a cluster, as clients of their sockets: every user records its steps one
/// after the other, users side by side, at most <c>clients</c> requests in flight in all. User <c>i</c>'s step <c>k</c>
/// goes first through node <c>(i + k) % nodes</c>, so every user records through every node (a request reaches the
/// user's own node, or is forwarded there by sharding). A request that is not acknowledged (the node died, it answered
/// an error, or no answer within <c>retryAfter</c>) is sent again through the next node still running: an
/// acknowledged interaction must be in the journal; one given up may or may not be (at-least-once).
/// </summary>
internal sealed class ClusterRecorder(IReadOnlyList<ServeNode> nodes, int clients, TimeSpan retryAfter, Stopwatch clock)
{
    /// <summary>How long one interaction may take to be acknowledged, retries included, before it is counted as never
    /// acknowledged (a bound on failure, so a user that never comes back shows in the figures instead of hanging the run).</summary>
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(5);

    private static readonly string[] Packages = ["firefox", "ripgrep", "vim", "git", "htop", "tmux", "curl", "jq", "neovim", "python3"];

    private readonly SemaphoreSlim _slots = new(clients);
    private readonly ConcurrentBag<AckSample> _acks = [];
    private readonly ConcurrentBag<string> _neverAcknowledged = [];
    private readonly ConcurrentQueue<string> _errors = new();
    private int _count;
    private int _retries;
    private int _unanswered;

    /// <summary>Every acknowledged interaction so far.</summary>
    public IReadOnlyCollection<AckSample> Acks => _acks;

    /// <summary>Interactions given up after <see cref="GiveUpAfter"/> (user and step, with the last failures).</summary>
    public IReadOnlyCollection<string> NeverAcknowledged => _neverAcknowledged;

    /// <summary>Requests sent again because the first node tried did not acknowledge them.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Requests with no answer within <c>retryAfter</c> (abandoned by the client, then sent again).</summary>
    public int Unanswered => Volatile.Read(ref _unanswered);

    /// <summary>The first few error answers, for the log.</summary>
    public IEnumerable<string> Errors => _errors;

    /// <summary>Raised after each acknowledgement with the new count.</summary>
    public event Action<int>? AcknowledgedOne;

    /// <summary>The users <c>u000</c>...</summary>
    public static IReadOnlyList<string> Users(int count) => [.. Enumerable.Range(0, count).Select(i => $"u{i:D3}")];

    /// <summary>Records steps <paramref name="from"/>..<paramref name="to"/> (exclusive) for every user.</summary>
    public Task RecordAsync(IReadOnlyList<string> users, int from, int to) =>
        Task.WhenAll(users.Select(async (user, i) =>
        {
            for (var step = from; step < to; step++)
            {
                await RecordOneAsync(user, step, (i + step) % nodes.Count);
            }
        }));

    private static string[] RecordArgs(string user, int step) =>
    [
        "record", "--user", user, "--session", $"s{step / 5}",
        "--text", $"install {Packages[step % Packages.Length]} for {user} step {step}",
        "--command", $"nix-env -iA nixpkgs.{Packages[step % Packages.Length]}", "--outcome", step % 4 == 3 ? "failure" : "success",
        "--flow-score", (step % 3 == 2 ? 0.2 : 0.9).ToString(CultureInfo.InvariantCulture), "--json",
    ];

    private async Task RecordOneAsync(string user, int step, int first)
    {
        var args = RecordArgs(user, step);
        var firstSent = clock.Elapsed.TotalSeconds;
        var failures = new List<string>();
        for (var attempt = 0; ; attempt++)
        {
            if (clock.Elapsed.TotalSeconds - firstSent > GiveUpAfter.TotalSeconds)
            {
                _neverAcknowledged.Add($"{user} step {step}: {string.Join(" | ", failures.TakeLast(3))}");
                return;
            }

            if (attempt > 0)
            {
                Interlocked.Increment(ref _retries);
                if (attempt % nodes.Count == 0)
                {
                    // Every node was tried once: pause before the next round rather than spin.
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }

            var index = (first + attempt) % nodes.Count;
            var node = nodes[index];
            if (node.HasExited)
            {
                continue;
            }

            VerbAnswer? answer;
            double sent;
            await _slots.WaitAsync();
            try
            {
                sent = clock.Elapsed.TotalMilliseconds;
                answer = await node.TryRunAsync(args, retryAfter);
            }
            finally
            {
                _slots.Release();
            }

            var acknowledgedAt = clock.Elapsed;
            if (answer is { ExitCode: 0 })
            {
                var ack = JsonDocument.Parse(answer.StdOut).RootElement;
                _acks.Add(new AckSample(user, step, ack.GetProperty("id").GetString()!, ack.GetProperty("sequenceNr").GetInt64(),
                    firstSent, acknowledgedAt.TotalSeconds, acknowledgedAt.TotalMilliseconds - sent, index));
                AcknowledgedOne?.Invoke(Interlocked.Increment(ref _count));
                return;
            }

            if (answer is null && !node.HasExited && acknowledgedAt.TotalMilliseconds - sent >= retryAfter.TotalMilliseconds)
            {
                Interlocked.Increment(ref _unanswered);
            }

            var failure = $"{node.Name}: {(answer is null ? "no answer" : $"exit {answer.ExitCode} {answer.StdErr.Trim()}")}";
            failures.Add(failure);
            if (_errors.Count < 20)
            {
                _errors.Enqueue($"{user} step {step} at {acknowledgedAt.TotalSeconds:F1} s: {failure}");
            }
        }
    }
}
