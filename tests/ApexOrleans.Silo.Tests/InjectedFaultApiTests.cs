using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ApexOrleans.Silo.Tests;

/// <summary>/api/v1/faults and /api/v1/experiments over real HTTP: faults bite only where aimed, and the kill switch ends them.</summary>
public sealed class InjectedFaultApiTests
{
    private const string Call = """
        { "eventType": "tradeline247:call.received", "target": ["omnihub", "jubeelove"], "idempotencyKey": "{key}",
          "payload": { "callId": "{key}", "from": "+1-555-0123" } }
        """;

    [Fact]
    public async Task AnInjectedStorageOutageTakesReadinessDownRefusesWorkWith503AndTheKillSwitchEndsIt()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();

        var (status, fault) = await silo.AdminSendAsync(HttpMethod.Post, "/api/v1/faults", new { kind = "storage-outage", owner = "test" });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await silo.Http.GetAsync("/health/ready")).StatusCode);
        var refused = await silo.PublishAsync(Call.Replace("{key}", "during-outage"), keys.Apps["tradeline247"]);
        Assert.Equal(503, refused.Status);
        Assert.Equal("storage_unavailable", refused.Body.GetProperty("code").GetString());
        Assert.Single((await silo.AdminGetAsync("/api/v1/faults")).EnumerateArray());

        var (revertStatus, reverted) = await silo.AdminSendAsync(HttpMethod.Delete, "/api/v1/faults", null);

        Assert.Equal(HttpStatusCode.OK, revertStatus);
        Assert.Equal(fault.GetProperty("id").GetString(), reverted.GetProperty("faults")[0].GetProperty("id").GetString());
        Assert.Empty((await silo.AdminGetAsync("/api/v1/faults")).EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/ready")).StatusCode);
        var retried = await silo.PublishAsync(Call.Replace("{key}", "during-outage"), keys.Apps["tradeline247"]);
        Assert.Equal(202, retried.Status); // the refused publish left nothing behind: the retry is a first publish
    }

    [Fact]
    public async Task AnAppOutageHitsOnlyTheTenantsItIsAimedAtAndItsHeldEventArrivesOnceReverted()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        await silo.AdminSendAsync(HttpMethod.Post, "/api/v1/faults", new { kind = "app-outage", app = "jubeelove", tenantPrefix = "someone-else-", owner = "a" });

        Assert.Equal(202, (await silo.PublishAsync(Call.Replace("{key}", "call-a"), keys.Apps["tradeline247"])).Status);
        await ApiTests.Eventually(async () => HasContact(await silo.AdminGetAsync("/api/v1/tenants/default/apps/jubeelove"), "call-a"));

        var (_, aimed) = await silo.AdminSendAsync(HttpMethod.Post, "/api/v1/faults", new { kind = "app-outage", app = "jubeelove", tenantPrefix = "def", owner = "b" });
        Assert.Equal(202, (await silo.PublishAsync(Call.Replace("{key}", "call-b"), keys.Apps["tradeline247"])).Status);
        await ApiTests.Eventually(async () => (await silo.AdminGetAsync("/api/v1/tenants/default/apps/omnihub")).ToString().Contains("call-b"));
        await Task.Delay(500);
        Assert.False(HasContact(await silo.AdminGetAsync("/api/v1/tenants/default/apps/jubeelove"), "call-b"), "jubeelove took the event while it was down");

        var (_, revertedB) = await silo.AdminSendAsync(HttpMethod.Delete, "/api/v1/faults?owner=b", null);
        Assert.Equal(aimed.GetProperty("id").GetString(), Assert.Single(revertedB.GetProperty("faults").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("a", Assert.Single((await silo.AdminGetAsync("/api/v1/faults")).EnumerateArray()).GetProperty("request").GetProperty("owner").GetString());
        await ApiTests.Eventually(async () => HasContact(await silo.AdminGetAsync("/api/v1/tenants/default/apps/jubeelove"), "call-b"));
    }

    [Theory]
    [InlineData("""{ "kind": "meteor-strike" }""")]
    [InlineData("""{ "kind": "app-outage" }""")]
    [InlineData("""{ "kind": "app-outage", "app": "no-such-app" }""")]
    [InlineData("""{ "kind": "delivery-delay", "delayMs": -5 }""")]
    public async Task ABadFaultIsRefusedWithAProblemAndNothingIsSwitchedOn(string body)
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/faults") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);

        using var response = await silo.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_fault", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Empty((await silo.AdminGetAsync("/api/v1/faults")).EnumerateArray());
    }

    [Fact]
    public async Task OnlyTheAdminKeyCanSwitchFaults()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/faults") { Content = JsonContent.Create(new { kind = "storage-outage" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Apps["tradeline247"]);

        using var response = await silo.Http.SendAsync(request);

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"an app key got {response.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task AnExperimentRecordIsStoredAndListedWithItsJournal()
    {
        await using var silo = await RunningSilo.StartAsync();
        var record = new
        {
            runId = "ex-01-20261122-090000-abcd", experimentId = "EX-01", title = "outage isolated", owner = "tests", startedAt = "2026-11-22T09:00:00Z",
            status = "failed", passed = false, verdict = "failed: latency-p95 was 2 in phase 'during', limit ≤ 0.001", recoverySeconds = 3.5, rtoSeconds = 30,
            journal = new { checks = new[] { new { probe = "latency-p95", passed = false } } },
        };

        var (status, _) = await silo.AdminSendAsync(HttpMethod.Post, "/api/v1/experiments", record);
        var listed = Assert.Single((await silo.AdminGetAsync("/api/v1/experiments")).EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("ex-01-20261122-090000-abcd", listed.GetProperty("runId").GetString());
        Assert.Equal("failed", listed.GetProperty("status").GetString());
        Assert.Equal("latency-p95", listed.GetProperty("journal").GetProperty("checks")[0].GetProperty("probe").GetString());
    }

    private static bool HasContact(JsonElement app, string callId) =>
        app.GetProperty("tables").TryGetProperty("contacts", out var contacts) && contacts.ToString().Contains(callId);
}
