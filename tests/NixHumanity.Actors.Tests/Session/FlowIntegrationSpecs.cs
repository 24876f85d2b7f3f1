using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Session;

public sealed class FlowIntegrationSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-2);
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static async Task<InteractionAcknowledged> EnterFlowAsync(ActorTree tree, string userId)
    {
        InteractionAcknowledged ack = null!;
        for (var i = 0; i < 6 && ack is not { InFlow: true }; i++)
        {
            ack = await tree.RecordAsync(userId, $"quick step {i}", flowScore: 0.95, at: Start.AddSeconds(5 * i));
        }

        ack.InFlow.Should().BeTrue("a sustained score of 0.95 crosses the entry threshold");
        return ack;
    }

    [Fact]
    public async Task A_notification_is_delivered_at_once_when_the_person_is_not_in_flow()
    {
        await using var tree = ActorTree.Start(_data.Path);
        await tree.RecordAsync("maya", "install ripgrep", at: Start);

        var ack = await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("maya", "email", Start.AddSeconds(1)));

        ack.Delivered.Should().BeTrue();
        ack.Deferred.Should().BeFalse();
        (await tree.StatusAsync("maya")).DeferredNotifications.Should().Be(0);
    }

    [Fact]
    public async Task Notifications_in_flow_are_deferred_and_released_with_an_event_when_flow_ends()
    {
        await using var tree = ActorTree.Start(_data.Path);
        var inFlow = await EnterFlowAsync(tree, "maya");

        var chat = await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("maya", "chat", Start.AddSeconds(40)));
        var mail = await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("maya", "email", Start.AddSeconds(41)));
        var statusInFlow = await tree.StatusAsync("maya");

        // Low scores pull the smoothed score under the exit threshold; the interaction that ends flow releases both.
        InteractionAcknowledged ack = inFlow;
        for (var i = 0; i < 5 && ack.InFlow; i++)
        {
            ack = await tree.RecordAsync("maya", $"stuck {i}", InteractionOutcome.Failure, flowScore: 0.05, at: Start.AddSeconds(50 + i));
        }

        chat.Should().Match<NotificationAcknowledged>(n => n.Deferred && !n.Delivered);
        mail.Deferred.Should().BeTrue();
        statusInFlow.Should().Match<SessionStatus>(s => s.InFlow && s.DeferredNotifications == 2 && s.Notifications == 2);
        ack.InFlow.Should().BeFalse();
        ack.Released.Select(r => r.NotificationId).Should().Equal(chat.NotificationId, mail.NotificationId);
        var status = await tree.StatusAsync("maya");
        status.DeferredNotifications.Should().Be(0);
        status.Notifications.Should().Be(2, "a released notification is the same notification, not a new one");
        var journal = await tree.JournalEventsAsync("maya");
        journal.OfType<FlowEnded>().Should().ContainSingle().Which.Reason.Should().Be("score");
        journal.OfType<NotificationReleased>().Select(r => r.NotificationId).Should().Equal(chat.NotificationId, mail.NotificationId);
    }

    [Fact]
    public async Task Going_idle_ends_flow_so_the_next_notification_is_delivered_and_the_held_ones_released()
    {
        await using var tree = ActorTree.Start(_data.Path);
        var inFlow = await EnterFlowAsync(tree, "maya");
        var held = await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("maya", "chat", Start.AddMinutes(1)));

        var later = await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("maya", "calendar", Start.AddMinutes(30)));

        held.Deferred.Should().BeTrue();
        later.Delivered.Should().BeTrue();
        later.Released.Should().ContainSingle().Which.NotificationId.Should().Be(held.NotificationId);
        (await tree.JournalEventsAsync("maya")).OfType<FlowEnded>().Should().ContainSingle().Which.Reason.Should().Be("idle");
        (await tree.StatusAsync("maya")).InFlow.Should().BeFalse();
        inFlow.InFlow.Should().BeTrue();
    }

    [Fact]
    public async Task Flow_state_survives_a_restart_including_held_notifications()
    {
        await using (var tree = ActorTree.Start(_data.Path))
        {
            await EnterFlowAsync(tree, "maya");
            await tree.AskAsync<NotificationAcknowledged>(new RecordNotification("maya", "chat", Start.AddSeconds(40)));
        }

        await using var restarted = ActorTree.Start(_data.Path);
        var status = await restarted.StatusAsync("maya");

        status.InFlow.Should().BeTrue();
        status.DeferredNotifications.Should().Be(1);
    }
}
