using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>Waits for a person's projections, which apply acknowledged events on their own, to reach an event.</summary>
public static class ProjectionProgress
{
    /// <summary>Until both memory and learner of <paramref name="userId"/> have applied up to <paramref name="sequenceNr"/>.</summary>
    public static Task BothAppliedAsync(this NixHumanityClient client, string userId, long sequenceNr) =>
        Eventually.HoldsAsync(async () =>
        {
            (await client.AskAsync<ProjectionStatus>(new GetMemoryStatus(userId))).LastSequenceNr.Should().Be(sequenceNr);
            (await client.AskAsync<ProjectionStatus>(new GetLearnerStatus(userId))).LastSequenceNr.Should().Be(sequenceNr);
        });
}
