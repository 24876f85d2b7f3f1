using NixHumanity.Actors.Contracts;

namespace NixHumanity.Actors.Tests.Support;

/// <summary>Asking a component that may be restarting once after damage was found: it must answer within the bound.</summary>
public static class ActorTreeAnswers
{
    /// <summary>The first answer of <paramref name="ask"/> that is not <see cref="TemporarilyUnavailable"/>, as <typeparamref name="T"/>.</summary>
    internal static async Task<T> AnswerAsync<T>(this ActorTree tree, IUserMessage ask)
    {
        object reply = null!;
        await Eventually.HoldsAsync(async () =>
        {
            reply = await tree.AskAsync(ask);
            reply.Should().NotBeOfType<TemporarilyUnavailable>();
        });
        return reply.Should().BeOfType<T>().Subject;
    }
}
