using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Cli;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>How failures read on the command line: in the project's words, with their own exit codes, never a type name.</summary>
public sealed class CliErrorsSpecs
{
    [Fact]
    public void A_full_disk_reported_by_a_component_is_disk_full_with_the_path_and_its_own_exit_code()
    {
        var (code, message) = CliErrors.Describe(new ComponentUnavailableException(
            new TemporarilyUnavailable("ann", "session", "disk full", "/data/journal/journal.db")));

        code.Should().Be(ExitCodes.DiskFull).And.Be(5);
        message.Should().Be("disk full: /data/journal/journal.db");
    }

    [Fact]
    public void A_full_disk_met_by_the_host_itself_is_disk_full_with_the_path()
    {
        var fault = StoreFaults.Classify(new IOException("No space left on device"), "/data/journal/journal.db")!;

        CliErrors.Describe(fault).Should().Be((ExitCodes.DiskFull, "disk full: /data/journal/journal.db"));
    }

    [Fact]
    public void A_component_that_is_down_is_unavailable_with_its_reason()
    {
        var (code, message) = CliErrors.Describe(new ComponentUnavailableException(
            new TemporarilyUnavailable("ann", "learner", "/data/users/ann/learner/analytics.duckdb: unreadable store (Corrupt database file)")));

        code.Should().Be(ExitCodes.Unavailable);
        message.Should().Be("unavailable: the learner of user 'ann': /data/users/ann/learner/analytics.duckdb: unreadable store (Corrupt database file)");
    }

    [Fact]
    public void A_request_to_the_whole_tree_is_unavailable_for_the_user_not_for_a_component_named_user()
    {
        var (code, message) = CliErrors.Describe(new ComponentUnavailableException(
            new TemporarilyUnavailable("ann", StoppedTargetAnswers.ComponentOf(new StageExport("ann", "e1")), StoppedTargetAnswers.Reason)));

        code.Should().Be(ExitCodes.Unavailable);
        message.Should().Be("unavailable: user 'ann': stopped before it handled the request");
    }

    [Fact]
    public void Timeouts_and_wrapped_failures_show_no_exception_type_name()
    {
        var timeout = CliErrors.Describe(new AggregateException(new AskTimeoutException("Timeout after 5.00 seconds")));
        var unexpected = CliErrors.Describe(new AggregateException(new InvalidOperationException("something broke")));

        timeout.ExitCode.Should().Be(ExitCodes.Unavailable);
        timeout.Message.Should().StartWith("unavailable: ");
        unexpected.Should().Be((ExitCodes.Unexpected, "unexpected failure: something broke"));
        new[] { timeout.Message, unexpected.Message }.Should().NotContain(m => m.Contains("Exception", StringComparison.Ordinal));
    }
}
