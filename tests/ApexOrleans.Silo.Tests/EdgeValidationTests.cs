using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ApexOrleans.Silo.Tests;

/// <summary>What the edge refuses before any endpoint: ids that are not whole ids, text that is not valid UTF-16, bodies that are not JSON.</summary>
public sealed class EdgeValidationTests
{
    private const string Call = """
        { "eventType": "tradeline247:call.received", "target": ["omnihub"], "idempotencyKey": "k", "payload": { "callId": "call-001", "lines": [{ "note": "ok" }] } }
        """;

    [Theory]
    [InlineData("\"k\"", "\"\\ud800\"", "idempotencyKey")]
    [InlineData("\"tradeline247:call.received\"", "\"tradeline247:call.\\udc00\"", "eventType")]
    [InlineData("\"call-001\"", "\"call\\ud83d\"", "payload.callId")]
    [InlineData("\"ok\"", "\"\\udfff\"", "payload.lines[0].note")]
    public async Task ALoneSurrogateAnywhereInAnEnvelopeIsA400NamingTheFieldAndNothingIsStored(string valid, string invalid, string field)
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();

        var (status, problem, _) = await silo.PublishAsync(Call.Replace(valid, invalid), keys.Apps["tradeline247"]);

        Assert.Equal(400, status);
        Assert.Equal("invalid_text", problem.GetProperty("code").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.StartsWith($"{field}: ", problem.GetProperty("detail").GetString());
        Assert.All((await silo.AdminGetAsync("/api/v1/tenants/default/apps")).EnumerateObject(), app => Assert.Equal(0, app.Value.GetProperty("appliedCount").GetInt32()));
    }

    [Theory]
    [InlineData("text/plain", 415)]
    [InlineData("application/x-www-form-urlencoded", 415)]
    [InlineData("application/json; charset=iso-8859-1", 415)]
    [InlineData("application/merge-patch+json", 415)]
    [InlineData(null, 415)]
    [InlineData("application/json", 202)]
    [InlineData("application/json; charset=utf-8", 202)]
    [InlineData("Application/CloudEvents+JSON; charset=\"UTF-8\"", 202)]
    public async Task OnlyJsonContentTypesAreAcceptedAndAnyOtherIs415WithAProblem(string? contentType, int expected)
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Call)) };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Apps["tradeline247"]);
        using var response = await silo.Http.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var applied = (await silo.AdminGetAsync("/api/v1/tenants/default/apps")).EnumerateObject().Sum(a => a.Value.GetProperty("appliedCount").GetInt32());

        Assert.Equal(expected, (int)response.StatusCode);
        if (expected == 415)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("unsupported_media_type", body.GetProperty("code").GetString());
            Assert.Contains("application/cloudevents+json", body.GetProperty("detail").GetString());
            Assert.Equal(0, applied);
        }
    }

    [Fact]
    public async Task IdsWithATrailingNewlineAreRefusedOnReadsAndOnRunCreationAndNoRunIsCreated()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        using var client = new HttpClient { BaseAddress = new Uri(silo.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);

        using var read = await client.GetAsync("/api/v1/tenants/abc%0A/apps");
        using var create = await client.PostAsync("/api/v1/runs", new StringContent(
            """{ "runId": "abc\n", "settings": { "clock": "Virtual", "clockStart": "2026-01-03T07:00:00Z" } }""", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)read.StatusCode);
        Assert.Equal(400, (int)create.StatusCode);
        Assert.Equal("invalid_run_id", JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Empty((await silo.AdminGetAsync("/api/v1/runs")).EnumerateArray());
        Assert.DoesNotContain((await silo.AdminGetAsync("/api/v1/tenants")).EnumerateArray(), t => t.GetString() != "default");
    }

    [Theory]
    [InlineData("/api/v1/runs", """{ "runId": "odd-clock", "settings": { "clock": "Real", "timeScale": 1e-300 } }""", "invalid_settings")]
    [InlineData("/api/v1/runs", """{ "runId": "far-future", "settings": { "clock": "Virtual", "clockStart": "9999-12-31T00:00:00Z" } }""", "invalid_settings")]
    [InlineData("/api/v1/runs", """{ "runId": "huge-timeout", "settings": { "delivery": { "attemptTimeout": "10675199.02:48:05" } } }""", "invalid_settings")]
    [InlineData("/api/v1/faults", """{ "kind": "delivery-delay", "delayMs": 1e300 }""", null)]
    public async Task ValidButExtremeSettingsAreA400AndChangeNothing(string path, string body, string? code)
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        using var client = new HttpClient { BaseAddress = new Uri(silo.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);

        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(400, (int)response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.TryGetProperty("code", out var actual));
        if (code is not null)
        {
            Assert.Equal(code, actual.GetString());
        }

        Assert.Empty((await silo.AdminGetAsync("/api/v1/runs")).EnumerateArray());
        Assert.Empty((await silo.AdminGetAsync("/api/v1/faults")).EnumerateArray());
        Assert.DoesNotContain((await silo.AdminGetAsync("/api/v1/tenants")).EnumerateArray(), t => t.GetString() != "default");
    }

    [Fact]
    public async Task AnAdminBodyPastItsLimitIs413AndCreatesNothing()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        var padding = new string(' ', 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/runs")
        {
            Content = new StringContent($$"""{ "runId": "big-run", "settings": { } {{padding}} }""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);

        using var response = await silo.Http.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
        Assert.Equal("payload_too_large", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Empty((await silo.AdminGetAsync("/api/v1/runs")).EnumerateArray());
    }

    [Fact]
    public async Task A415NamesOnlyTheTypesItsEndpointTakes()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        using var client = new HttpClient { BaseAddress = new Uri(silo.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);

        using var run = await client.PostAsync("/api/v1/runs", new StringContent("{}", Encoding.UTF8, "text/plain"));
        using var publish = await client.PostAsync("/api/v1/events", new StringContent("{}", Encoding.UTF8, "text/plain"));

        Assert.Equal([415, 415], new[] { (int)run.StatusCode, (int)publish.StatusCode });
        var runDetail = JsonDocument.Parse(await run.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        var publishDetail = JsonDocument.Parse(await publish.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("application/json", runDetail);
        Assert.DoesNotContain("cloudevents", runDetail);
        Assert.Contains("application/cloudevents+json", publishDetail);
    }
}
