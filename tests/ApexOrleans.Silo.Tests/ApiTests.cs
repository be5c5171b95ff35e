using System.Net;
using System.Text.Json;
using ApexOrleans.Silo.Hosting;

namespace ApexOrleans.Silo.Tests;

public sealed class ApiTests
{
    private const string Call = """
        { "eventType": "tradeline247:call.received", "target": ["omnihub", "jubeelove"], "idempotencyKey": "call-1",
          "payload": { "callId": "call-001", "from": "+1-555-0123" } }
        """;

    [Fact]
    public async Task APublishIsAcceptedOnceAndARepeatGetsTheOriginalReceipt()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();

        var first = await silo.PublishAsync(Call, keys.Apps["tradeline247"]);
        var again = await silo.PublishAsync(Call, keys.Apps["tradeline247"]);

        Assert.Equal(202, first.Status);
        Assert.Equal("Accepted", first.Body.GetProperty("status").GetString());
        Assert.Equal("/api/v1/tenants/default/receipts/tradeline247/call-1", first.Response.Headers.Location!.ToString());
        Assert.Equal(200, again.Status);
        Assert.Equal("true", again.Response.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Body.GetProperty("eventId").GetString(), again.Body.GetProperty("eventId").GetString());
        Assert.Equal(first.Body.GetProperty("acceptedAt").GetString(), again.Body.GetProperty("acceptedAt").GetString());
        var receipt = await silo.AdminGetAsync("/api/v1/tenants/default/receipts/tradeline247/call-1");
        Assert.Equal(1, receipt.GetProperty("refusedCount").GetInt32());
        await Eventually(async () => (await silo.AdminGetAsync("/api/v1/tenants/default/apps/jubeelove")).GetProperty("tables").TryGetProperty("contacts", out _));
    }

    [Theory]
    [InlineData("{ not json", "tradeline247", 400, "malformed_json")]
    [InlineData("""{ "eventType": "tradeline247:call.received", "target": "omnihub", "payload": { "callId": "c" } }""", "tradeline247", 400, "missing_field")]
    [InlineData("""{ "eventType": "tradeline247:call.received", "target": "omnihub", "idempotencyKey": 5, "payload": { "callId": "c" } }""", "tradeline247", 400, "invalid_field")]
    [InlineData("""{ "eventType": "tradeline247:call.received", "target": "omnihub", "idempotencyKey": "k", "payload": "call" }""", "tradeline247", 400, "invalid_payload")]
    [InlineData("""{ "eventType": "tradeline247:call.burned", "target": "omnihub", "idempotencyKey": "k", "payload": { "callId": "c" } }""", "tradeline247", 422, "unknown_event_type")]
    [InlineData("""{ "eventType": "tradeline247:call.received", "target": "ghostapp", "idempotencyKey": "k", "payload": { "callId": "c" } }""", "tradeline247", 422, "unknown_app")]
    [InlineData("""{ "eventType": "tradeline247:call.received", "target": "omnihub", "idempotencyKey": "k", "payload": { "from": "x" } }""", "tradeline247", 400, "missing_field")]
    [InlineData("""{ "eventType": "tradeline247:call.received", "target": "omnihub", "idempotencyKey": "k", "payload": { "callId": "c" } }""", "flowbills", 403, "forbidden")]
    [InlineData("""{ "eventType": "tradeline247:call.received", "target": "omnihub", "idempotencyKey": "k", "payload": { "callId": "c" } }""", "not-a-key", 401, "unauthorized")]
    [InlineData("""{ "eventType": "tradeline247:call.received", "target": "omnihub", "idempotencyKey": "k", "payload": { "callId": "c" } }""", null, 401, "unauthorized")]
    public async Task BadInputGetsAProblemNamingItAndChangesNothing(string body, string? keyOf, int status, string code)
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        var key = keyOf is null ? null : keys.Apps.GetValueOrDefault(keyOf) ?? keyOf;

        var (actual, problem, response) = await silo.PublishAsync(body, key);

        Assert.Equal(status, actual);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.DoesNotContain("   at ", problem.GetRawText());
        await AssertNothingStoredAsync(silo);
    }

    [Fact]
    public async Task AnOversizedBodyAndAKeyReusedForAnotherPayloadAreRefusedAndChangeNothing()
    {
        await using var silo = await RunningSilo.StartAsync("--Apex:MaxEventBytes", "4096");
        var keys = await silo.KeysAsync();
        var big = $$"""{ "eventType": "tradeline247:call.received", "target": "omnihub", "idempotencyKey": "big", "payload": { "callId": "{{new string('x', 5000)}}" } }""";

        var tooLarge = await silo.PublishAsync(big, keys.Apps["tradeline247"]);
        await AssertNothingStoredAsync(silo);
        Assert.Equal(202, (await silo.PublishAsync(Call, keys.Apps["tradeline247"])).Status);
        // The source and both targets have applied it: nothing is still on its way when the snapshot is taken.
        await Eventually(async () => (await silo.AdminGetAsync("/api/v1/tenants/default/apps")).EnumerateObject().Sum(a => a.Value.GetProperty("appliedCount").GetInt32()) == 3);
        var before = (await silo.AdminGetAsync("/api/v1/tenants/default/apps")).GetRawText();
        var reused = await silo.PublishAsync(Call.Replace("+1-555-0123", "+1-555-9999"), keys.Apps["tradeline247"]);

        Assert.Equal((413, "payload_too_large"), (tooLarge.Status, tooLarge.Body.GetProperty("code").GetString()));
        Assert.Equal((409, "idempotency_conflict"), (reused.Status, reused.Body.GetProperty("code").GetString()));
        Assert.Equal(before, (await silo.AdminGetAsync("/api/v1/tenants/default/apps")).GetRawText());
    }

    [Fact]
    public async Task ReadsNeedTheAdminKeyAndAnAppKeyIsNotEnough()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tenants/default/apps");
        request.Headers.Authorization = new("Bearer", keys.Apps["flowbills"]);

        var response = await silo.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await silo.Http.GetAsync("/api/v1/runs")).StatusCode);
    }

    [Fact]
    public async Task ARunsKeysPublishIntoThatRunOnlyAndTheSilosAppKeysIntoTheDefaultTenantOnly()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        var runA = await silo.CreateRunAsync("run-a");
        var runB = await silo.CreateRunAsync("run-b");
        var again = await silo.CreateRunAsync("run-a");
        string Event(string key) => $$"""{ "eventType": "tradeline247:call.received", "target": "jubeelove", "idempotencyKey": "{{key}}", "payload": { "callId": "{{key}}" } }""";

        var intoA = await silo.PublishAsync(Event("a-1"), runA["tradeline247"], "run-a");
        var aIntoB = await silo.PublishAsync(Event("a-2"), runA["tradeline247"], "run-b");
        var aIntoDefault = await silo.PublishAsync(Event("a-3"), runA["tradeline247"]);
        var siloKeyIntoA = await silo.PublishAsync(Event("a-4"), keys.Apps["tradeline247"], "run-a");
        var siloKeyIntoDefault = await silo.PublishAsync(Event("d-1"), keys.Apps["tradeline247"]);
        var forged = await silo.PublishAsync(Event("a-5"), runA["tradeline247"][..^4] + "zzzz", "run-a"); // not hex: never a valid mac
        var asAnother = await silo.PublishAsync(Event("a-6"), runA["jubeelove"], "run-a");

        Assert.Equal(runA, again); // derived, not stored: the same keys every time
        Assert.NotEqual(runA["tradeline247"], runB["tradeline247"]);
        Assert.Equal([202, 403, 403, 403, 202, 401, 403], new[] { intoA.Status, aIntoB.Status, aIntoDefault.Status, siloKeyIntoA.Status, siloKeyIntoDefault.Status, forged.Status, asAnother.Status });
        Assert.Contains("run 'run-a'", aIntoB.Body.GetProperty("detail").GetString());
        Assert.Contains("needs that run's own keys", siloKeyIntoA.Body.GetProperty("detail").GetString());
        await Eventually(async () => (await silo.AdminGetAsync("/api/v1/tenants/run-a/apps/jubeelove")).GetProperty("appliedCount").GetInt32() == 1);
        Assert.Equal(0, (await silo.AdminGetAsync("/api/v1/tenants/run-b/apps/tradeline247")).GetProperty("appliedCount").GetInt32());
        Assert.Equal(["a-1"], (await silo.AdminGetAsync("/api/v1/tenants/run-a/apps/tradeline247")).GetProperty("tables").GetProperty("agent_runs").EnumerateArray().Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["d-1"], (await silo.AdminGetAsync("/api/v1/tenants/default/apps/tradeline247")).GetProperty("tables").GetProperty("agent_runs").EnumerateArray().Select(r => r.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task AKeyOfARunTheSiloDoesNotHaveStoresNothing()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        var run = await silo.CreateRunAsync("short-lived");
        using (var retire = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/runs/short-lived"))
        {
            retire.Headers.Authorization = new("Bearer", keys.Admin);
            Assert.Equal(HttpStatusCode.NoContent, (await silo.Http.SendAsync(retire)).StatusCode);
        }

        var afterRetirement = await silo.PublishAsync("""{ "eventType": "tradeline247:call.received", "target": "jubeelove", "idempotencyKey": "late", "payload": { "callId": "late" } }""",
            run["tradeline247"], "short-lived");

        Assert.Equal(404, afterRetirement.Status);
        Assert.Equal("run_not_found", afterRetirement.Body.GetProperty("code").GetString());
        Assert.DoesNotContain("short-lived", (await silo.AdminGetAsync("/api/v1/tenants")).EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task TwoAppsPublishingUnderOneKeyAreBothAcceptedAndEachReplayIsItsOwnDuplicate()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        const string call = """{ "eventType": "tradeline247:call.received", "target": "omnihub", "idempotencyKey": "shared/call-001", "payload": { "callId": "c-1" } }""";
        const string trust = """{ "eventType": "trutalk:trust.verified", "target": "omnihub", "idempotencyKey": "shared/call-001", "payload": { "verificationId": "v-1" } }""";

        var first = await silo.PublishAsync(call, keys.Apps["tradeline247"]);
        var second = await silo.PublishAsync(trust, keys.Apps["trutalk"]);
        var firstAgain = await silo.PublishAsync(call, keys.Apps["tradeline247"]);
        var secondAgain = await silo.PublishAsync(trust, keys.Apps["trutalk"]);

        Assert.Equal([202, 202, 200, 200], new[] { first.Status, second.Status, firstAgain.Status, secondAgain.Status });
        Assert.Equal(first.Body.GetProperty("eventId").GetString(), firstAgain.Body.GetProperty("eventId").GetString());
        Assert.Equal(second.Body.GetProperty("eventId").GetString(), secondAgain.Body.GetProperty("eventId").GetString());
        await Eventually(async () => (await silo.AdminGetAsync("/api/v1/tenants/default/apps/omnihub")).GetProperty("appliedCount").GetInt32() == 2);
        Assert.Equal(1, (await silo.AdminGetAsync("/api/v1/tenants/default/receipts/tradeline247/shared%2Fcall-001")).GetProperty("refusedCount").GetInt32());
        Assert.Equal(1, (await silo.AdminGetAsync("/api/v1/tenants/default/receipts/trutalk/shared%2Fcall-001")).GetProperty("refusedCount").GetInt32());
    }

    [Fact]
    public async Task CreatingARunIsIdempotentSoARetryAfterALostAnswerCannotFail()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        var create = """{ "runId": "same-run", "settings": { "clock": "Virtual", "clockStart": "2026-01-03T07:00:00Z" } }""";

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/runs") { Content = new StringContent(create, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", keys.Admin);
            statuses.Add((await silo.Http.SendAsync(request)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.OK], statuses);
        Assert.Single((await silo.AdminGetAsync("/api/v1/runs")).EnumerateArray(), r => r.GetProperty("runId").GetString() == "same-run");
    }

    [Fact]
    public async Task TheSiloServesItsOpenApiDocumentAndHealth()
    {
        await using var silo = await RunningSilo.StartAsync();

        var openApi = JsonDocument.Parse(await silo.Http.GetStringAsync("/openapi/v1.json")).RootElement;

        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/v1/events", out _));
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/v1/runs", out _));
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task ProductionModeRefusesToStartWithoutKeysAndGivesNoKeysAway()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => SiloHost.Create(["--urls", "http://127.0.0.1:0", "--Apex:Storage", "memory", "--Apex:Mode", "production"]));
        Assert.Contains("missing", refused.Message);
        Assert.Contains("Apex:Keys:Admin", refused.Message);

        string[] keyed = ["--Apex:Mode", "production", "--Apex:Keys:Admin", "admin-key-0123456789"];
        foreach (var app in new[] { "aspiral", "autorepai", "bright", "careconnect", "flowbills", "flowc", "jubeelove", "keepsafe", "omnihub", "tradeline247", "trutalk" })
        {
            keyed = [.. keyed, $"--Apex:Keys:Apps:{app}", $"{app}-key-0123456789"];
        }

        await using var silo = await RunningSilo.StartAsync(keyed);
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/api/v1/dev/keys")).StatusCode);
        Assert.Equal(202, (await silo.PublishAsync(Call, "tradeline247-key-0123456789")).Status);
        Assert.Equal(403, (await silo.PublishAsync(Call, "flowbills-key-0123456789")).Status);
    }

    [Fact]
    public async Task ReadinessFailsWhileStorageIsUnreachableAndLivenessDoesNot()
    {
        await using var silo = await RunningSilo.StartAsync("--Apex:Storage", "postgres", "--Apex:Database", "Host=127.0.0.1;Port=1;Username=nobody;Timeout=2");

        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await silo.Http.GetAsync("/health/ready")).StatusCode);
    }

    private static async Task AssertNothingStoredAsync(RunningSilo silo)
    {
        var apps = await silo.AdminGetAsync("/api/v1/tenants/default/apps");
        Assert.All(apps.EnumerateObject(), app => Assert.Equal(0, app.Value.GetProperty("appliedCount").GetInt32()));
        var keys = await silo.KeysAsync();
        foreach (var app in keys.Apps.Keys)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tenants/default/receipts/{app}/k");
            request.Headers.Authorization = new("Bearer", keys.Admin);
            Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.SendAsync(request)).StatusCode);
        }
    }

    internal static async Task Eventually(Func<Task<bool>> condition)
    {
        // Generous: on two loaded cores background deliveries can take seconds; a stuck one never finishes.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 30 s");
            await Task.Delay(25);
        }
    }
}

public sealed class ShutdownTests
{
    [Fact]
    public async Task AGracefulStopKeepsWhatWasAcceptedForTheNextSiloOnTheSameDatabase()
    {
        using var folder = new ApexOrleans.TestSupport.TempFolder();
        var database = folder.File("silo.db");
        var body = """
            { "eventType": "flowbills:invoice.created", "target": ["flowc", "omnihub"], "idempotencyKey": "inv-9",
              "payload": { "invoiceId": "inv-9", "amount": 10, "taxRate": 0.1, "totalAmount": 11 } }
            """;
        string[] sqlite = ["--Apex:Storage", "sqlite", "--Apex:Database", database];

        await using (var first = await RunningSilo.StartAsync(sqlite))
        {
            var keys = await first.KeysAsync();
            Assert.Equal(202, (await first.PublishAsync(body, keys.Apps["flowbills"])).Status);
            await ApiTests.Eventually(async () => (await first.AdminGetAsync("/api/v1/tenants/default/apps/flowbills")).GetProperty("tables").TryGetProperty("audit_logs", out _));
        }

        await using var second = await RunningSilo.StartAsync(sqlite);
        var secondKeys = await second.KeysAsync();
        var flowbills = await second.AdminGetAsync("/api/v1/tenants/default/apps/flowbills");
        var repeat = await second.PublishAsync(body, secondKeys.Apps["flowbills"]);

        Assert.Equal("inv-9", flowbills.GetProperty("tables").GetProperty("invoices")[0].GetProperty("key").GetString());
        Assert.Equal("passed", flowbills.GetProperty("tables").GetProperty("audit_logs")[0].GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(200, repeat.Status); // the receipt survived the restart
        var flowc = (await second.AdminGetAsync("/api/v1/tenants/default/apps/flowc")).GetProperty("tables");
        Assert.Equal(1, flowc.GetProperty("invoices").GetArrayLength());          // the invoice, applied once
        Assert.Equal(1, flowc.GetProperty("compliance_checks").GetArrayLength()); // and FlowC's own check of it, once
    }
}
