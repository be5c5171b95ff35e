using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Client.Verification;
using ApexOrleans.Contracts.Webhooks;
using ApexOrleans.TestSupport;
using Microsoft.AspNetCore.Http;

namespace ApexOrleans.Client.Tests.RemoteApps;

/// <summary>
/// One app pointed at a service of the user's own: every delivery comes signed, and the evidence says what the service
/// did with the mesh's duplicates, failures and timeouts, including when it broke a guarantee the mesh cannot keep for it.
/// </summary>
public sealed class OwnServiceTests
{
    [Fact]
    public async Task AReceiverThatDoesNotDeduplicateFailsTheIdempotencyCriterionNamingItsApp()
    {
        var secret = WebhookSecret.Generate();
        await using var careless = await TestReceiver.StartAsync(secret, (_, context) => context.Response.WriteAsync("ok")); // takes everything, every time
        using var folder = new TempFolder();

        var outcome = await Apex.RunScenarioAsync(folder.Path, remote: new RemoteAppsChoice
        {
            Endpoints = new Dictionary<string, string> { ["omnihub"] = careless.Url + "/hooks" },
            Secret = secret.Reveal(),
        });

        Assert.False(outcome.Scorecard.Passed);
        var idempotency = outcome.Scorecard.Criteria.Single(c => c.Id == CriterionIds.Idempotency);
        Assert.Equal(CriterionStatus.Failed, idempotency.Status);
        Assert.Contains("at omnihub", idempotency.Detail);
        Assert.DoesNotContain(outcome.Scorecard.Criteria.Where(c => c.Id == CriterionIds.Idempotency).SelectMany(c => c.Detail.Split("; ")), d => !d.Contains("at omnihub"));
        Assert.NotEmpty(careless.Requests);
        Assert.All(careless.Requests, r => Assert.True(r.SignatureHolds, $"the signature of {r.Id} did not hold"));
        Assert.Contains(careless.Requests.GroupBy(r => r.Id), g => g.Count() > 1); // a retry reuses the message id
        Assert.False(outcome.Manifest.Remote!.Repeatable);

        // The evidence is true to what happened: verify finds the same breach, and every other claim borne out.
        var checks = BundleVerifier.Verify(outcome.BundlePath);
        var broken = Assert.Single(checks, c => !c.Passed);
        Assert.Contains("2 effects by its attempts", broken.Detail);
        Assert.DoesNotContain(broken.Detail.Split("; "), d => !d.Contains("at omnihub"));
        Assert.DoesNotContain(EvidenceBundle.Read(outcome.BundlePath), f => f.Value.Contains(secret.Reveal()[WebhookSecret.Prefix.Length..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEndpointInTheCatalogMakesItsAppRemoteAndTheManifestSaysSo()
    {
        var secret = WebhookSecret.Generate();
        await using var receiver = await TestReceiver.StartAsync(secret, (_, _) => Task.CompletedTask);
        using var folder = new TempFolder();
        var catalog = JsonNode.Parse(await File.ReadAllTextAsync(Contracts.Catalog.AppCatalog.DefaultPath))!;
        catalog["apps"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "bright")!["endpoint"] = receiver.Url + "/bright?token=abc";
        var catalogPath = Path.Combine(folder.Path, "apps.json");
        await File.WriteAllTextAsync(catalogPath, catalog.ToJsonString());

        var outcome = await new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(new RunOptions
        {
            ScenarioPath = Apex.SarahsDay,
            CatalogPath = catalogPath,
            Mesh = new MeshTarget { Storage = "memory" },
            OutputDirectory = folder.Path,
            Remote = new RemoteAppsChoice { Secret = secret.Reveal() },
        });

        Assert.Contains(receiver.Requests, r => r.Path == "/bright" && r.SignatureHolds);
        Assert.Equal(receiver.Url + "/bright", outcome.Manifest.Remote!.Endpoints["bright"]); // without its query
        Assert.False(outcome.Manifest.Remote.Repeatable);
    }

    [Fact]
    public async Task AReceiverThatDeduplicatesOnTheMessageIdPassesEveryCriterion()
    {
        var secret = WebhookSecret.Generate();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        await using var careful = await TestReceiver.StartAsync(secret, (request, context) =>
        {
            context.Response.StatusCode = seen.TryAdd(request.Id, true) ? StatusCodes.Status200OK : StatusCodes.Status409Conflict;
            return Task.CompletedTask;
        });
        using var folder = new TempFolder();

        var outcome = await Apex.RunScenarioAsync(folder.Path, remote: new RemoteAppsChoice
        {
            Endpoints = new Dictionary<string, string> { ["omnihub"] = careful.Url + "/hooks" },
            Secret = secret.Reveal(),
        });

        Assert.True(outcome.Scorecard.Passed, string.Join("; ", outcome.Scorecard.Criteria.Where(c => c.Status != CriterionStatus.Passed).Select(c => $"{c.Id}: {c.Detail}")));
        Assert.Contains(careful.Requests.GroupBy(r => r.Id), g => g.Count() > 1);
    }
}
