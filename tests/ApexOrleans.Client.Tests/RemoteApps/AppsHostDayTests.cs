using System.Text.Json;
using ApexOrleans.Apps;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Verification;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Webhooks;
using ApexOrleans.TestSupport;
using Microsoft.AspNetCore.Http;

namespace ApexOrleans.Client.Tests.RemoteApps;

/// <summary>Sarah's day with every app served by <c>apex apps</c>: the guarantees hold, the outage is the host refusing, and the run repeats.</summary>
public sealed class AppsHostDayTests
{
    [Fact]
    public async Task ADayAgainstTheAppsHostPassesWithTheHostRefusingThroughTheOutage()
    {
        var secret = WebhookSecret.Generate();
        await using var host = await AppsHost.StartAsync(new AppsHostOptions { Url = "http://127.0.0.1:0", Secret = secret }, TimeProvider.System);
        using var folder = new TempFolder();

        var outcome = await Apex.RunScenarioAsync(folder.Path, remote: new RemoteAppsChoice { AppsHost = host.Url, Secret = secret.Reveal() });

        Assert.True(outcome.Scorecard.Passed, string.Join("; ", outcome.Scorecard.Criteria.Where(c => c.Status != CriterionStatus.Passed).Select(c => $"{c.Id}: {c.Detail}")));
        var files = EvidenceBundle.Read(outcome.BundlePath);
        var deliveries = EvidenceBundle.ReadHistory(files).Events.Where(e => e.Kind == "delivery").ToList();
        Assert.DoesNotContain(deliveries.SelectMany(d => d.Attempts), a => a.Fault == "Outage"); // no flag: the host refused
        var refused = deliveries.Where(d => d.Target == "trutalk").SelectMany(d => d.Attempts).Where(a => a.RefusedByApp).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => Assert.Equal(503, a.Http![0].Status));
        Assert.All(refused, a => Assert.InRange(a.Sequence, 7, 9)); // inside the scenario's window, beats 7 until 10
        Assert.All(deliveries.SelectMany(d => d.Attempts).Where(a => a.Fault is "None" or "Duplicate" or "ResponseLost"), a => Assert.NotNull(a.Http));
        Assert.Equal(["trutalk"], outcome.Manifest.Remote!.OutagesAtHost);
        Assert.True(outcome.Manifest.Remote.Repeatable);
        Assert.Equal(AppsHostClient.EndpointOf(new Uri(host.Url + "/"), "flowbills").ToString(), outcome.Manifest.Remote.Endpoints["flowbills"]);

        // The final state is what the host's apps kept.
        using var client = new AppsHostClient(new Uri(host.Url + "/"), secret);
        Assert.Equal(TenantStateReader.Canonical(await client.AppsAsync(outcome.Manifest.RunId, CancellationToken.None)), files["final-state.json"]);
        Assert.All(BundleVerifier.Verify(outcome.BundlePath), check => Assert.True(check.Passed, $"{check.Name}: {check.Detail}"));
        Assert.DoesNotContain(files, f => f.Value.Contains(secret.Reveal()[WebhookSecret.Prefix.Length..], StringComparison.Ordinal));

        var again = await Apex.RunScenarioAsync(folder.Path, remote: new RemoteAppsChoice { AppsHost = host.Url, Secret = secret.Reveal() });
        Assert.Equal(outcome.Manifest.Digest, again.Manifest.Digest);
        var replayed = await BundleReplay.CheckAsync(files, CancellationToken.None); // against an apps host of its own, on another port
        Assert.True(replayed.Passed, replayed.Detail);
    }

    [Fact]
    public async Task ARemoteAppThatNoConnectionReachesFailsOverToItsFallback()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now: every connection is refused
        using var folder = new TempFolder();

        var outcome = await Apex.RunScenarioAsync(folder.Path, remote: new RemoteAppsChoice
        {
            Endpoints = new Dictionary<string, string> { ["careconnect"] = $"http://127.0.0.1:{port}/hooks" },
            Secret = WebhookSecret.Generate().Reveal(),
        });

        var deliveries = EvidenceBundle.ReadHistory(EvidenceBundle.Read(outcome.BundlePath)).Events.Where(e => e.Kind == "delivery").ToList();
        var handedOver = deliveries.Where(d => d.Target == "careconnect" && d.Role == "Target").ToList();
        Assert.NotEmpty(handedOver);
        Assert.All(handedOver, d =>
        {
            Assert.Equal("carestandby", d.FailedOverTo);
            Assert.All(d.Attempts, a => Assert.True(a.NeverConnected || a.Fault is "NetworkFailure" or "ServerError", $"attempt {a.Number}: {a.Fault} {a.Error}"));
            Assert.Contains(deliveries, f => f.Target == "carestandby" && f.StandsInFor == "careconnect" && f.IdempotencyKey == d.IdempotencyKey && f.Status == "delivered");
        });
        Assert.Equal(CriterionStatus.Passed, outcome.Scorecard.Criteria.Single(c => c.Id == Scenarios.CriterionIds.Idempotency).Status);
    }

    [Fact]
    public async Task A503IsNoProofTheAppNeverTookItSoTheDeliveryNeverFailsOver()
    {
        var secret = WebhookSecret.Generate();
        await using var proxy = await TestReceiver.StartAsync(secret, (_, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable; // as a proxy answers when the app died mid-request
            return Task.CompletedTask;
        });
        using var folder = new TempFolder();

        var outcome = await Apex.RunScenarioAsync(folder.Path, remote: new RemoteAppsChoice
        {
            Endpoints = new Dictionary<string, string> { ["careconnect"] = proxy.Url + "/hooks" },
            Secret = secret.Reveal(),
        });

        var deliveries = EvidenceBundle.ReadHistory(EvidenceBundle.Read(outcome.BundlePath)).Events.Where(e => e.Kind == "delivery").ToList();
        var target = deliveries.Where(d => d.Target == "careconnect" && d.Role == "Target").ToList();
        Assert.NotEmpty(target);
        Assert.All(target, d => Assert.Null(d.FailedOverTo));
        Assert.DoesNotContain(deliveries, d => d.Target == "carestandby");
    }

    [Fact]
    public async Task AHostWithAnAppDownIsRefusedBeforeTheDayStarts()
    {
        var secret = WebhookSecret.Generate();
        await using var host = await AppsHost.StartAsync(new AppsHostOptions { Url = "http://127.0.0.1:0", Secret = secret, Down = ["careconnect"] }, TimeProvider.System);
        using var folder = new TempFolder();

        var (exitCode, output) = await Apex.RunAsync("run", "--apps-host", host.Url, "--webhook-secret", secret.Reveal(), "--storage", "memory", "--out", folder.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains("has careconnect down", Apex.Flat(output));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.zip"));
    }

    [Fact]
    public async Task AHostHoldingAnotherSecretIsRefusedBeforeTheDayStarts()
    {
        await using var host = await AppsHost.StartAsync(new AppsHostOptions { Url = "http://127.0.0.1:0", Secret = WebhookSecret.Generate() }, TimeProvider.System);
        using var folder = new TempFolder();

        var (exitCode, output) = await Apex.RunAsync("run", "--apps-host", host.Url, "--webhook-secret", WebhookSecret.Generate().Reveal(), "--storage", "memory", "--out", folder.Path);

        Assert.Equal(2, exitCode);
        Assert.Contains("holds another webhook secret", Apex.Flat(output));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.zip"));
    }
}
