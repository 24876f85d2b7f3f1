using DuckDB.NET.Data;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Memory;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

public sealed class AnalyticsCheckpointSpecs : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_checkpoint_is_stamped_by_the_injected_clock()
    {
        var clock = new ManualClock(Start);
        AnalyticsStore.Open(_temp.Path, clock).Dispose();
        UpdatedAt().Should().Be(Start.UtcDateTime, "opening a new store writes checkpoint 0");

        clock.Advance(TimeSpan.FromMinutes(7));
        using (var store = AnalyticsStore.Open(_temp.Path, clock))
        {
            store.Apply(1, new FlowStarted(0.9, Start)).Should().BeTrue();
        }

        UpdatedAt().Should().Be(Start.AddMinutes(7).UtcDateTime);
    }

    // Read through a second connection while the store is closed (DuckDB allows one writer per file).
    private DateTime UpdatedAt()
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(_temp.Path, AnalyticsStore.FileName)}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT updated_at FROM checkpoint";
        return (DateTime)command.ExecuteScalar()!;
    }
}
