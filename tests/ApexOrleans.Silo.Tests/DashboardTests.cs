using System.Text.RegularExpressions;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApexOrleans.Silo.Tests;

/// <summary>The dashboard in a real headless Chromium (Debian's /usr/bin/chromium), watching a run as it plays.</summary>
public sealed class DashboardTests
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task TheDashboardShowsTrutalksCircuitOpenThenClosedAndThePassingScorecardWhileARunPlays()
    {
        Skip.If(!File.Exists(Chromium) && !PostgresFixture.InCi, $"{Chromium} is not installed (apt-get install -y chromium).");
        using var folder = new TempFolder();
        await using var silo = await RunningSilo.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1700 } });
        var keys = await silo.KeysAsync();
        var urls = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, request) => urls.Enqueue(request.Url);
        await page.GotoAsync(silo.Url);
        await Expect(page.Locator("[data-testid=silo-info]")).ToContainTextAsync("development mode");

        // The day on a real clock, a thousand times faster than life: about half a minute, long enough to watch.
        var run = new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(new RunOptions
        {
            ScenarioPath = Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json"),
            Mesh = new MeshTarget { Silo = silo.Url },
            Clock = RunClock.Real,
            TimeScale = 0.001,
            OutputDirectory = folder.Path,
        });

        var trutalk = page.Locator("[data-testid=circuit-trutalk]");
        await Expect(trutalk).ToHaveAttributeAsync("data-state", "Open", new() { Timeout = 90_000 });
        await Expect(page.Locator("[data-testid=feed] li").First).ToBeVisibleAsync();
        // The live feed came over the event stream (opened with the session cookie), not only from the first read of recent activity.
        await Expect(page.Locator("[data-testid=feed]")).ToHaveAttributeAsync("data-streamed", new Regex("^[1-9][0-9]*$"), new() { Timeout = 30_000 });
        await Expect(trutalk).ToHaveAttributeAsync("data-state", "Closed", new() { Timeout = 90_000 });
        await Expect(trutalk).ToHaveAttributeAsync("data-transitions", new Regex("^Closed>Open,Open>HalfOpen.*HalfOpen>Closed$"));
        var outcome = await run;
        Assert.True(outcome.Scorecard.Passed);
        var row = page.Locator($"[data-testid=run-{outcome.Manifest.RunId}]");
        await Expect(row).ToHaveAttributeAsync("data-result", "passed", new() { Timeout = 10_000 });
        await Expect(page.Locator("[data-testid=scorecard]")).ToHaveAttributeAsync("data-passed", "true");
        await Expect(page.Locator("[data-testid=circuit-flowbills]")).ToHaveAttributeAsync("data-state", "Closed");
        await Expect(page.Locator("#latency-now")).ToContainTextAsync("p95");
        Assert.Contains(urls, u => u.Contains("/api/v1/activity/stream?", StringComparison.Ordinal));
        Assert.DoesNotContain(urls, u => u.Contains("key=", StringComparison.OrdinalIgnoreCase) || u.Contains(keys.Admin, StringComparison.Ordinal));

        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "dashboard.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task BeatTwelvesTraceShowsThePaymentsDuplicatePublishRefusedInItsWaterfall()
    {
        Skip.If(!File.Exists(Chromium) && !PostgresFixture.InCi, $"{Chromium} is not installed (apt-get install -y chromium).");
        using var folder = new TempFolder();
        await using var silo = await RunningSilo.StartAsync();
        var outcome = await new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(new RunOptions
        {
            ScenarioPath = Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json"),
            Mesh = new MeshTarget { Silo = silo.Url },
            OutputDirectory = folder.Path,
        });
        var spans = PlainOtlp.Read(Client.Evidence.EvidenceBundle.Read(outcome.BundlePath)["traces.json"]);
        var payment = spans.Single(s => s.Parent is null && s.Attributes["apex.beat"] == "12");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1700 } });
        await page.GotoAsync(silo.Url);
        await Expect(page.Locator($"[data-testid=run-{outcome.Manifest.RunId}]")).ToHaveAttributeAsync("data-result", "passed", new() { Timeout = 15_000 });
        await page.Locator("[data-testid=beat-12]").ClickAsync();

        var trace = page.Locator("[data-testid=trace]");
        await Expect(trace).ToHaveAttributeAsync("data-trace-id", payment.TraceId, new() { Timeout = 10_000 });
        var spansShown = trace.Locator("[data-testid=span]");
        await Expect(spansShown).ToHaveCountAsync(spans.Count(s => s.TraceId == payment.TraceId));
        // The second publish of the payment, refused by its idempotency claim, inside the payment's own trace.
        await Expect(trace.Locator("[data-testid=span][data-name='publish flowbills:payment.received'][data-status=duplicate]")).ToHaveCountAsync(1);
        var refused = trace.Locator("[data-testid=span][data-name='claim sarahs-day/pay-001'][data-status=Duplicate][data-events='apex.duplicate.refused']");
        await Expect(refused).ToHaveCountAsync(1);
        await Expect(refused).ToContainTextAsync("duplicate refused");
        await Expect(trace.Locator("[data-testid=span][data-name='apply flowc']").First).ToContainTextAsync("Applied");

        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
        await page.Locator("#trace-section").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(artifacts, "trace-beat-12.png") });

        // An entry of the live feed opens its own trace.
        var entry = page.Locator("[data-testid=feed] li.traced").Filter(new() { HasText = "publish trutalk:trust.verified" }).First;
        await entry.ClickAsync();
        var trust = spans.Single(s => s.Parent is null && s.Attributes["apex.beat"] == "7");
        await Expect(trace).ToHaveAttributeAsync("data-trace-id", trust.TraceId, new() { Timeout = 10_000 });
        await Expect(trace.Locator("[data-testid=span][data-events*='apex.circuit.transition']").First).ToBeVisibleAsync();
        await page.Locator("#trace-section").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(artifacts, "trace-beat-7.png") });
    }

    [SkippableFact]
    public async Task TheDashboardShowsAnExperimentsFaultWhileItIsOnAndItsRecordOnceItEnds()
    {
        Skip.If(!File.Exists(Chromium) && !PostgresFixture.InCi, $"{Chromium} is not installed (apt-get install -y chromium).");
        using var folder = new TempFolder();
        await using var silo = await RunningSilo.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1700 } });
        await page.GotoAsync(silo.Url);
        await Expect(page.Locator("[data-testid=faults-on]")).ToContainTextAsync("no fault injected now");
        var file = folder.File("experiment.json");
        await File.WriteAllTextAsync(file, $$"""
            {
              "id": "EX-UI", "title": "dashboard experiment", "owner": "tests", "hypothesis": "an outage stays isolated",
              "steadyState": { "window": "1s", "probes": [{ "probe": "lost-events", "max": 0 }] },
              "method": { "scenario": {{System.Text.Json.JsonSerializer.Serialize(Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json"))}},
                          "beatInterval": "100ms", "tenantsPerSecond": 2, "duration": "8s",
                          "faults": [{ "kind": "app-outage", "app": "trutalk", "at": "1s", "for": "6s" }] },
              "expected": { "outcome": "isolated", "probes": [{ "probe": "error-rate", "except": ["trutalk"], "max": 0.05 }] },
              "safeguards": [{ "probe": "client-error-rate", "max": 0.9 }],
              "rollback": "revert", "rto": "30s"
            }
            """);

        var run = new Client.Experiments.ExperimentRunner(new SilentExperimentProgress(), TimeProvider.System).RunAsync(new Client.Experiments.ExperimentOptions
        {
            ExperimentPath = file, Mesh = new MeshTarget { Silo = silo.Url }, RecordsFolder = folder.File("records"),
        });

        await Expect(page.Locator("[data-testid=faults-on]")).ToContainTextAsync("app-outage trutalk", new() { Timeout = 60_000 });
        var outcome = await run.WaitAsync(TimeSpan.FromMinutes(3));
        var row = page.Locator($"[data-testid=experiment-{outcome.Journal.RunId}]");
        await Expect(row).ToHaveAttributeAsync("data-status", outcome.Journal.Status, new() { Timeout = 10_000 });
        await Expect(row).ToContainTextAsync("EX-UI");
        await Expect(page.Locator("[data-testid=faults-on]")).ToContainTextAsync("no fault injected now");
        Assert.Equal(Client.Experiments.ExperimentStatus.Completed, outcome.Journal.Status);
    }

    [SkippableFact]
    public async Task TheDashboardOnAnySiloShowsTheWholeClusterAndAnotherSilosTenant()
    {
        Skip.If(!File.Exists(Chromium) && !PostgresFixture.InCi, $"{Chromium} is not installed (apt-get install -y chromium).");
        await using var cluster = await SiloCluster.StartAsync(2);
        var (first, second) = (cluster.Silos[0], cluster.Silos[1]);
        // A run whose tenant the first silo holds, watched from the second silo's dashboard.
        string? runId = null;
        Dictionary<string, string>? keys = null;
        for (var i = 0; runId is null; i++)
        {
            Assert.True(i < 40, "forty runs and none on the first silo: tenant placement does not spread");
            var candidate = $"watched-{i}";
            var created = await first.CreateRunAsync(candidate);
            var holder = (await first.AdminGetAsync("/api/v1/activity/silos")).EnumerateArray()
                .Single(r => r.GetProperty("tenants").EnumerateArray().Any(t => t.GetString() == candidate));
            if (Owns(first, holder.GetProperty("silo").GetString()!))
            {
                (runId, keys) = (candidate, created);
            }
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1700 } });
        await page.GotoAsync(second.Url);
        await Expect(page.Locator("[data-testid=cluster-size]")).ToHaveTextAsync("2 silos");
        await Expect(page.Locator("[data-testid=silos] tbody tr")).ToHaveCountAsync(2);

        var call = """{ "eventType": "tradeline247:call.received", "target": ["omnihub"], "idempotencyKey": "watched-call", "payload": { "callId": "watched-call", "from": "+1-555-0199" } }""";
        Assert.Equal(202, (await first.PublishAsync(call, keys!["tradeline247"], runId)).Status);
        await Expect(page.Locator($"[data-testid=tenant] option[value={runId}]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await page.Locator("#follow").UncheckAsync();
        await page.SelectOptionAsync("[data-testid=tenant]", runId);
        // The publish happened on the first silo: the second silo's feed shows it from the cluster's activity.
        await Expect(page.Locator("[data-testid=feed]")).ToContainTextAsync($"[{runId}] publish", new() { Timeout = 15_000 });
    }

    /// <summary>Debian's headless Chromium, with what a test needs off.</summary>
    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    /// <summary>Whether <paramref name="siloAddress"/> (as the cluster reports it) is <paramref name="silo"/>'s own Orleans silo.</summary>
    private static bool Owns(RunningSilo silo, string siloAddress) =>
        silo.App.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToParsableString() == siloAddress;

    private sealed class SilentExperimentProgress : Client.Experiments.IExperimentProgress
    {
        public void Phase(string text)
        {
        }

        public void Sampled(Client.Experiments.ProbeSample sample, int tenantsInFlight)
        {
        }

        public void Note(string text)
        {
        }

        public void Finished(Client.Experiments.ExperimentJournal journal, string path)
        {
        }
    }
}
