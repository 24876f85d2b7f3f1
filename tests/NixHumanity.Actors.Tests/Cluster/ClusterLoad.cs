using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace NixHumanity.Actors.Tests.Cluster;

/// <summary>
/// Records interactions for many users through the node processes of a cluster, as clients of their sockets would:
/// each user's interactions one after the other, users side by side, every interaction sent through a node chosen
/// by the caller and, when that node does not acknowledge it (it died, it is stopping, or the user's node is gone and
/// the answer timed out), sent again through the next node still running, until acknowledged. An interaction that was
/// not acknowledged may or may not be in the journal (at-least-once); an acknowledged one must be.
/// </summary>
public sealed class ClusterLoad(IReadOnlyList<NodeProcess> nodes, int parallelism = 6)
{
    /// <summary>How long one interaction may take to be acknowledged, retries included (a bound on failure).</summary>
    private static readonly TimeSpan InteractionLimit = TimeSpan.FromMinutes(8);

    private static readonly string[] Packages = ["firefox", "ripgrep", "vim", "git", "htop", "tmux", "curl", "jq", "neovim", "python3"];

    private readonly SemaphoreSlim _slots = new(parallelism);
    private readonly ConcurrentBag<Acknowledged> _acknowledged = [];
    private readonly ConcurrentQueue<string> _failures = [];
    private int _count;

    /// <summary>Every interaction acknowledged so far.</summary>
    public IReadOnlyCollection<Acknowledged> Acknowledged => _acknowledged;

    /// <summary>Every attempt that was not acknowledged, as <c>node: what it answered</c> (sent again, until acknowledged).</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>How many interactions were acknowledged so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Raised (on the recording thread) after each acknowledgement with the new count.</summary>
    public event Action<int>? AcknowledgedOne;

    /// <summary>The users <c>u000</c>..: ids the journal, the folders and the shards all take as they are.</summary>
    public static IReadOnlyList<string> Users(int count) => [.. Enumerable.Range(0, count).Select(i => $"u{i:D3}")];

    /// <summary>
    /// Records <paramref name="steps"/> for each of <paramref name="users"/>; the interaction of user <c>i</c> at step
    /// <c>k</c> goes first through node <c>(i + k) % nodes</c>, so every user's interactions pass through every node.
    /// </summary>
    public Task RecordAsync(IReadOnlyList<string> users, IEnumerable<int> steps, Func<int, int>? firstNode = null)
    {
        var stepList = steps.ToList();
        return Task.WhenAll(users.Select(async (user, i) =>
        {
            foreach (var step in stepList)
            {
                await RecordOneAsync(user, step, firstNode?.Invoke(i + step) ?? (i + step) % nodes.Count);
            }
        }));
    }

    /// <summary>The text of a user's interaction at a step: unique, so the journal can be searched for it.</summary>
    public static string TextOf(string user, int step) => $"install {Packages[step % Packages.Length]} for {user} step {step}";

    /// <summary>Command line of a <c>record</c> for <paramref name="user"/> at <paramref name="step"/>.</summary>
    public static string[] RecordArgs(string user, int step, string text) =>
    [
        "record", "--user", user, "--session", $"s{step / 3}", "--text", text,
        "--command", $"nix-env -iA nixpkgs.{Packages[step % Packages.Length]}", "--outcome", step % 4 == 3 ? "failure" : "success",
        // Alternating high and low flow, so the flow and interruption queries have something to say.
        "--flow-score", (step % 3 == 2 ? 0.2 : 0.9).ToString(CultureInfo.InvariantCulture), "--json",
    ];

    private async Task RecordOneAsync(string user, int step, int first)
    {
        var text = TextOf(user, step);
        using var limit = new CancellationTokenSource(InteractionLimit);
        var failures = new List<string>();
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0 && attempt % nodes.Count == 0)
            {
                // Every node was tried once: poll again after a pause rather than spin (the answer is the event waited on).
                await Task.Delay(TimeSpan.FromSeconds(1), limit.Token);
            }

            var node = nodes[(first + attempt) % nodes.Count];
            if (node.HasExited)
            {
                nodes.Should().Contain(n => !n.HasExited, $"a node is left to record {user} step {step}");
                continue;
            }

            VerbResult? result;
            await _slots.WaitAsync(limit.Token);
            try
            {
                result = await node.TryRunAsync(RecordArgs(user, step, text), limit.Token);
            }
            finally
            {
                _slots.Release();
            }

            if (result is { ExitCode: 0 })
            {
                var ack = JsonDocument.Parse(result.StdOut).RootElement;
                var order = Interlocked.Increment(ref _count);
                _acknowledged.Add(new Acknowledged(user, ack.GetProperty("id").GetString()!, ack.GetProperty("sequenceNr").GetInt64(), step, order));
                AcknowledgedOne?.Invoke(order);
                return;
            }

            failures.Add($"{node.Name}: {(result is null ? "no answer" : $"exit {result.ExitCode} {result.StdErr.Trim()}")}");
            _failures.Enqueue(failures[^1]);
            limit.IsCancellationRequested.Should().BeFalse($"{user} step {step} is acknowledged in time; failures: {string.Join(" | ", failures)}");
        }
    }
}
