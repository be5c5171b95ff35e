using System.Globalization;
using System.Text.RegularExpressions;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Verification;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Silo.Tests;

/// <summary>
/// A silo's telemetry through OpenTelemetry's exporters: /metrics (Prometheus) with the mesh's, Orleans' and ASP.NET
/// Core's meters, OTLP to a collector when one is named, and a run over HTTP whose bundle carries the silo's traces.
/// </summary>
[Collection(MetersAlone.Name)]
public sealed class ObservabilityTests
{
    [Fact]
    public async Task MetricsServesTheMeshsOrleansAndAspNetCoresMetersScrapedDuringARun()
    {
        using var folder = new TempFolder();
        await using var silo = await RunningSilo.StartAsync();
        var run = Run(silo.Url, folder.Path, RunClock.Real, 0.0005);
        string scraped;
        do
        {
            await Task.Delay(200);
            scraped = await silo.Http.GetStringAsync("/metrics"); // no key: what a Prometheus server scrapes
        }
        while (!run.IsCompleted && Sum(scraped, "apex_events_published_total") == 0);

        var outcome = await run;
        Assert.True(outcome.Scorecard.Passed);
        // The exporter keeps a scrape's answer for a moment (300 ms): the run's last publishes show in a later one.
        var after = await silo.Http.GetStringAsync("/metrics");
        for (var i = 0; i < 25 && Sum(after, "apex_events_published_total") < 13; i++)
        {
            await Task.Delay(200);
            after = await silo.Http.GetStringAsync("/metrics");
        }

        Assert.True(Sum(after, "apex_events_published_total") >= 13, $"every beat's publish is counted: {Sum(after, "apex_events_published_total")}");
        Assert.True(Sum(after, "apex_delivery_attempts_total") >= Sum(after, "apex_deliveries_total"));
        Assert.Matches(new Regex("^apex_delivery_latency_milliseconds_bucket\\{.*le=\"0.25\"\\} ", RegexOptions.Multiline), after);
        Assert.Matches(new Regex("^apex_activations\\{", RegexOptions.Multiline), after);
        Assert.Matches(new Regex("^apex_circuit_transitions_total\\{.*target=\"trutalk\".*to=\"Open\"", RegexOptions.Multiline), after);
        Assert.Matches(new Regex("^orleans_catalog_activations\\{", RegexOptions.Multiline), after); // Orleans' own meter
        Assert.Matches(new Regex("^http_server_request_duration_seconds_count\\{", RegexOptions.Multiline), after); // ASP.NET Core's

        // The bundle of a run over HTTP has the silo's traces, and they bear out its events.
        var check = Assert.Single(BundleVerifier.Verify(outcome.BundlePath), c => c.Name == TracesCheck.Name);
        Assert.True(check.Passed, check.Detail);
        Assert.Contains(EvidenceBundle.TracesFile, EvidenceBundle.Read(outcome.BundlePath).Keys);
    }

    [Fact]
    public async Task ASiloGivenAnOtlpCollectorSendsItTheRunsSpansAndItsMetrics()
    {
        await using var collector = await TestOtlpCollector.StartAsync();
        using var folder = new TempFolder();
        await using (var silo = await RunningSilo.StartAsync("--Apex:Otlp", collector.Url))
        {
            var outcome = await Run(silo.Url, folder.Path, RunClock.Virtual, 1);
            Assert.True(outcome.Scorecard.Passed);
        }

        // Stopping the silo flushes what its exporters still held.
        var traces = collector.Text(TestOtlpCollector.TraceExport);
        Assert.Contains("publish flowbills:payment.received", traces);
        Assert.Contains("apex-silo", traces);
        Assert.Contains("POST", traces); // ASP.NET Core's request spans go too, in their own traces
        Assert.Contains("apex.delivery.attempts", collector.Text(TestOtlpCollector.MetricsExport));
    }

    private static Task<RunOutcome> Run(string silo, string folder, RunClock clock, double scale) =>
        new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(new RunOptions
        {
            ScenarioPath = Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json"),
            Mesh = new MeshTarget { Silo = silo },
            Clock = clock,
            TimeScale = scale,
            OutputDirectory = folder,
        });

    /// <summary>The sum of every series of <paramref name="metric"/> in Prometheus text.</summary>
    private static double Sum(string text, string metric) =>
        text.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}

/// <summary>
/// Tests that read a silo's meters run with no other silo in the process: a meter is known by its name, so two silos' meters
/// of one name in one process (never so in production, one silo per process) reach each other's exporters.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetersAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "meters alone";
}
