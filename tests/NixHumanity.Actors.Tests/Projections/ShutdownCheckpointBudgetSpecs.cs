using Microsoft.Extensions.Time.Testing;
using NixHumanity.Actors.Projections;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// What a stopping node's hand-off may spend on checkpoints (docs/adr/0039): small logs are left to the next open,
/// and once the budget has passed since the first checkpoint no store is checkpointed any more.
/// </summary>
public sealed class ShutdownCheckpointBudgetSpecs
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_small_log_is_left_to_the_next_open()
    {
        var budget = new ShutdownCheckpointBudget(_clock);

        budget.Allows(ShutdownCheckpointBudget.SmallLogBytes - 1).Should().BeFalse();
        budget.Allows(0).Should().BeFalse();
        budget.Allows(ShutdownCheckpointBudget.SmallLogBytes).Should().BeTrue();
    }

    [Fact]
    public void Checkpoints_are_allowed_until_the_budget_has_passed_since_the_first_one()
    {
        var budget = new ShutdownCheckpointBudget(_clock);
        var big = 10 * ShutdownCheckpointBudget.SmallLogBytes;
        _clock.Advance(TimeSpan.FromHours(1));
        budget.Allows(big).Should().BeTrue("the clock starts with the first checkpoint, not with the system");

        _clock.Advance(ShutdownCheckpointBudget.Budget - TimeSpan.FromMilliseconds(1));
        budget.Allows(big).Should().BeTrue();

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        budget.Allows(big).Should().BeFalse("the budget is spent");
        budget.Allows(big).Should().BeFalse();
    }
}
