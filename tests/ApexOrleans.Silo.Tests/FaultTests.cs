using System.Net;
using System.Text;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.TestSupport;
using Xunit.Abstractions;

namespace ApexOrleans.Silo.Tests;

/// <summary>Storage restarts, load on PostgreSQL, and concurrent duplicates on one key.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FaultTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static string SarahsDay => Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json");

    [SkippableFact]
    public async Task APostgresRestartMidRunMakesTheSiloNotReadyAndTheRunStillHoldsEveryGuarantee()
    {
        Skip.If(!PostgresFixture.InCi && ThrowawayPostgresCluster.WhyUnavailable() is not null, ThrowawayPostgresCluster.WhyUnavailable());
        using var folder = new TempFolder();
        await using var cluster = await ThrowawayPostgresCluster.StartAsync();
        await using var silo = await RunningSilo.StartAsync("--Apex:Storage", "postgres", "--Apex:Database", cluster.ConnectionString);
        var run = new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(new RunOptions
        {
            ScenarioPath = SarahsDay, Mesh = new MeshTarget { Silo = silo.Url }, Clock = RunClock.Real, TimeScale = 0.0005, OutputDirectory = folder.Path,
        });
        var notReady = 0;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                if ((await silo.Http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref notReady);
                }

                await Task.Delay(25);
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(4));
        await cluster.RestartAsync();
        var outcome = await run.WaitAsync(TimeSpan.FromMinutes(3));
        await watching.CancelAsync();
        await watcher;

        output.WriteLine($"readiness answered 503 {notReady} times during the restart");
        Assert.True(notReady > 0, "the silo never reported not-ready while PostgreSQL was down");
        RunAssertions.Holds(outcome, "PostgreSQL restarted mid-run");
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/ready")).StatusCode);
    }

    [SkippableFact]
    public async Task ManyRunsAtOnceAndDuplicatesFiredConcurrentlyLeaveExactlyOneEffectEach()
    {
        using var folder = new TempFolder();
        await using var silo = await RunningSilo.StartAsync("--Apex:Storage", "postgres", "--Apex:Database", postgres.ConnectionString);

        // Six runs at once, each its own tenant with its own seed.
        var runs = await Task.WhenAll(Enumerable.Range(1, 6).Select(seed => new ScenarioRunner(SilentProgress.Instance, TimeProvider.System)
            .RunAsync(new RunOptions { ScenarioPath = SarahsDay, Seed = seed, Mesh = new MeshTarget { Silo = silo.Url }, OutputDirectory = folder.Path })));
        for (var i = 0; i < runs.Length; i++)
        {
            RunAssertions.Holds(runs[i], $"concurrent run {i + 1}");
        }

        // Twenty payments, each fired eight times at once from eight connections.
        var tenant = $"dup-{Guid.NewGuid():N}"[..20];
        var runKeys = await silo.CreateRunAsync(tenant);
        var invoice = """{ "eventType": "flowbills:invoice.created", "target": ["flowc"], "idempotencyKey": "inv-c", "payload": { "invoiceId": "inv-c", "amount": 10, "totalAmount": 10 } }""";
        Assert.Equal(202, (await silo.PublishAsync(invoice, runKeys["flowbills"], tenant)).Status);
        var answers = new List<int>();
        foreach (var n in Enumerable.Range(1, 20))
        {
            var payment = $$"""{ "eventType": "flowbills:payment.received", "target": ["omnihub", "flowc"], "idempotencyKey": "pay-{{n}}", "payload": { "paymentId": "pay-{{n}}", "invoiceId": "inv-c", "amount": 10 } }""";
            var fired = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                using var connection = new HttpClient { BaseAddress = new Uri(silo.Url) };
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = new StringContent(payment, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new("Bearer", runKeys["flowbills"]);
                request.Headers.Add("X-Apex-Tenant", tenant);
                return (int)(await connection.SendAsync(request)).StatusCode;
            }));
            Assert.Equal(1, fired.Count(s => s == 202));
            Assert.All(fired, s => Assert.Contains(s, new[] { 200, 202, 409 }));
            answers.AddRange(fired);
        }

        await ApiTests.Eventually(async () => (await silo.AdminGetAsync($"/api/v1/tenants/{tenant}/apps/omnihub")).GetProperty("appliedCount").GetInt32() == 40); // 20 payments + 1 invoice.paid + 19 payment.mismatched
        var flowbills = await silo.AdminGetAsync($"/api/v1/tenants/{tenant}/apps/flowbills");
        Assert.Equal(20, flowbills.GetProperty("tables").GetProperty("payments").GetArrayLength());
        Assert.Equal(1, flowbills.GetProperty("tables").GetProperty("invoices").GetArrayLength());
        Assert.Equal(19, flowbills.GetProperty("tables").GetProperty("payment_mismatches").GetArrayLength()); // one payment paid it; the rest are flagged
        var receipts = await silo.AdminGetAsync($"/api/v1/tenants/{tenant}/apps/flowbills/receipts");
        Assert.Equal(20, receipts.EnumerateArray().Count(r => r.GetProperty("eventType").GetString() == "flowbills:payment.received"));
        output.WriteLine($"6 runs at once held; 160 concurrent publishes of 20 keys: {answers.Count(a => a == 202)} accepted, {answers.Count(a => a == 200)} duplicates, {answers.Count(a => a == 409)} in progress; one effect each");
    }
}
