using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>
/// <c>nixh status</c> when the learner cannot start: the session answers alone, the learner's field is marked
/// unavailable with the reason, and the verb succeeds at once instead of waiting for a timeout.
/// </summary>
public sealed class StatusWhenDownSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Status_answers_from_the_session_and_marks_likely_next_unavailable_when_the_learner_is_down()
    {
        var record = await NixhProcess.RunAsync("record", "--data-dir", _data.Path, "--user", "ann", "--session", "s1",
            "--text", "install vim", "--command", "nix-env -iA nixpkgs.vim", "--outcome", "success", "--json");
        record.ExitCode.Should().Be(0, record.StdErr);
        // A file where the learner's folder should be: the learner fails on every start, whatever the back-off.
        // (The record's process may have ended before its learner opened the folder: stores open lazily.)
        var learner = Path.Combine(_data.Path, "users", "ann", "learner");
        if (Directory.Exists(learner))
        {
            Directory.Delete(learner, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(learner)!);
        await File.WriteAllTextAsync(learner, "not a folder");

        var status = await NixhProcess.RunAsync("status", "--data-dir", _data.Path, "--user", "ann", "--json");

        status.ExitCode.Should().Be(0, status.StdErr);
        var json = NixhProcess.SingleJsonObject(status);
        json.GetProperty("interactions").GetInt32().Should().Be(1);
        json.GetProperty("likelyNext").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        json.GetProperty("unavailable").GetProperty("likelyNext").GetString().Should().StartWith("unavailable: the learner of user 'ann'");
    }
}
