using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>Logs per area following <c>Logging:LogLevel</c>, metrics and traces for OpenTelemetry, health checks, warm-up.</summary>
public sealed class ObservabilitySpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>Keeps every category written to and signals the first one under <c>NixHumanity.</c>.</summary>
    private sealed class CapturingProvider : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Text)> Entries { get; } = new();

        public TaskCompletionSource<string> FirstLibraryCategory { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private string _category = "";

        public ILogger CreateLogger(string categoryName) => new CapturingProvider { _category = categoryName, _parent = this };

        private CapturingProvider? _parent;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var root = _parent ?? this;
            root.Entries.Enqueue((_category, logLevel, formatter(state, exception)));
            if (_category.StartsWith("NixHumanity.", StringComparison.Ordinal))
            {
                root.FirstLibraryCategory.TrySetResult(_category);
            }
        }

        public void Dispose()
        {
        }
    }

    private IHost BuildHost(Action<HostApplicationBuilder>? more = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NixHumanity:DataDirectory"] = _data.Path,
            ["NixHumanity:Embeddings:Kind"] = "NGram",
        });
        more?.Invoke(builder);
        builder.Services.AddNixHumanity(builder.Configuration.GetSection("NixHumanity"));
        return builder.Build();
    }

    [Theory]
    [InlineData(typeof(MemoryActor), "NixHumanity.Memory")]
    [InlineData(typeof(NixHumanity.Actors.Memory.Store.VectorMemoryStore), "NixHumanity.Memory")]
    [InlineData(typeof(SessionActor), "NixHumanity.Session")]
    [InlineData(typeof(Akka.Actor.ActorSystem), "Akka.Actor.ActorSystem")]
    public void Each_area_logs_under_its_own_category(Type source, string category) =>
        LogCategories.Of(source).Should().Be(category);

    [Fact]
    public async Task Library_logs_reach_ILogger_under_area_categories_at_the_level_the_host_configured()
    {
        var capture = new CapturingProvider();
        void Logging(HostApplicationBuilder b)
        {
            b.Logging.ClearProviders().AddProvider(capture).SetMinimumLevel(LogLevel.Warning).AddFilter("NixHumanity", LogLevel.Information);
        }

        using (var first = BuildHost(Logging))
        {
            await first.StartAsync();
            await first.Services.GetRequiredService<NixHumanityClient>().RecordInteractionAsync(new RecordInteraction("rose", "s", "install firefox", "nix-env -iA nixpkgs.firefox"));
            await first.StopAsync();
        }

        // Whether the first memory applied the record before stopping is a race; without its store the second start
        // always rebuilds it from the journal, and a catch-up that reads events logs at Information.
        // (Stores open lazily: the first memory may not have opened its folder at all.)
        var memory = Path.Combine(_data.Path, "users", "rose", "memory");
        if (Directory.Exists(memory))
        {
            Directory.Delete(memory, recursive: true);
        }

        using var second = BuildHost(Logging);
        await second.StartAsync();
        await second.Services.GetRequiredService<NixHumanityClient>().GetMemoryStatusAsync("rose");

        // The memory catches up with the journal on its new start and says so at Information.
        var category = await capture.FirstLibraryCategory.Task.WaitAsync(TimeSpan.FromMinutes(2));
        category.Should().StartWith("NixHumanity.");
        capture.Entries.Should().NotContain(e => e.Category.StartsWith("NixHumanity", StringComparison.Ordinal) && e.Level < LogLevel.Information);
        await second.StopAsync();
    }

    [Fact]
    public void Akka_lets_through_the_most_permissive_level_the_host_enabled()
    {
        using var quiet = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        using var memoryDebug = LoggerFactory.Create(b => b.AddProvider(new CapturingProvider()).SetMinimumLevel(LogLevel.Warning).AddFilter("NixHumanity.Memory", LogLevel.Debug));

        LogCategories.AkkaLogLevel(memoryDebug).Should().Be("DEBUG");
        LogCategories.AkkaLogLevel(LoggerFactory.Create(b => b.AddProvider(new CapturingProvider()).SetMinimumLevel(LogLevel.Warning))).Should().Be("WARNING");
        LogCategories.AkkaLogLevel(quiet).Should().Be("OFF", "no provider writes anything");
    }

    [Fact]
    public async Task Records_and_searches_show_up_as_OpenTelemetry_metrics_and_spans()
    {
        var metrics = new List<Metric>();
        var spans = new List<Activity>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(NixHumanityTelemetry.MeterName).AddInMemoryExporter(metrics).Build();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(NixHumanityTelemetry.ActivitySourceName).AddInMemoryExporter(spans).Build();
        using var host = BuildHost();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();

        await client.RecordInteractionAsync(new RecordInteraction("rose", "s", "install firefox", "nix-env -iA nixpkgs.firefox"));
        await client.SearchAsync(new SearchMemory("rose", "firefox"));
        meters.ForceFlush();
        tracer.ForceFlush();

        metrics.Select(m => m.Name).Should().Contain(["nixhumanity.interaction.acknowledged", "nixhumanity.interaction.ack.duration", "nixhumanity.memory.search.duration"]);
        metrics.Single(m => m.Name == "nixhumanity.interaction.ack.duration").Unit.Should().Be("s");
        spans.Select(s => s.DisplayName).Should().Contain(["nixhumanity.record", "nixhumanity.search"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Health_checks_report_the_actor_system_the_journal_the_stores_and_the_embedder_and_warm_up_readies_a_user()
    {
        using var host = BuildHost(b => b.Services.AddHealthChecks());
        await host.StartAsync();
        var client = host.Services.GetRequiredService<NixHumanityClient>();
        await client.WarmUpAsync("rose");

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains(NixHumanityHealthChecks.Tag));

        report.Entries.Keys.Should().BeEquivalentTo("nixhumanity.actor-system", "nixhumanity.journal", "nixhumanity.stores", "nixhumanity.embedder");
        report.Entries.Values.Should().OnlyContain(e => e.Status == HealthStatus.Healthy, string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description} {e.Value.Exception?.Message}")));
        report.Entries["nixhumanity.actor-system"].Tags.Should().Contain(NixHumanityHealthChecks.LiveTag);
        report.Entries["nixhumanity.journal"].Tags.Should().Contain(NixHumanityHealthChecks.ReadyTag);
        await host.StopAsync();
    }
}
