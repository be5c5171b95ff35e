using System.Net.Http.Headers;
using System.Text.Json;
using ApexOrleans.Contracts.Envelope;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;

namespace ApexOrleans.Silo.Tests;

/// <summary>
/// Publishing CloudEvents over HTTP as the CNCF SDK's own HTTP binding sends them, in binary and structured mode; hostile
/// binary-mode headers all get a 4xx problem naming the header, and nothing is stored.
/// </summary>
public sealed class CloudEventsApiTests
{
    [Theory]
    [InlineData(ContentMode.Binary)]
    [InlineData(ContentMode.Structured)]
    public async Task AnEventTheSdksHttpBindingSendsIsAcceptedAndItsRepeatAnsweredAsADuplicate(ContentMode mode)
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        var cloudEvent = new CloudEvent(MeshCloudEvents.MeshAttributes)
        {
            Id = $"call-{mode}",
            Source = new Uri("/apps/tradeline247", UriKind.Relative),
            Type = "tradeline247:call.received",
            Time = DateTimeOffset.Parse("2026-01-03T08:00:00Z"),
            DataContentType = "application/json",
            Data = JsonSerializer.SerializeToElement(new { callId = $"call-{mode}", from = "+1-555-0100" }),
            [MeshCloudEvents.Targets] = "omnihub",
            [MeshCloudEvents.IdempotencyKey] = $"sdk-{mode}",
            [MeshCloudEvents.Sequence] = 1,
            [MeshCloudEvents.TraceParent] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        };

        var first = await SendAsync(silo, cloudEvent.ToHttpContent(mode, new JsonEventFormatter()), keys.Apps["tradeline247"]);
        var again = await SendAsync(silo, cloudEvent.ToHttpContent(mode, new JsonEventFormatter()), keys.Apps["tradeline247"]);

        Assert.True(first.Status == 202, first.Body.ToString());
        Assert.Equal(($"call-{mode}", "Accepted"), (first.Body.GetProperty("eventId").GetString(), first.Body.GetProperty("status").GetString()));
        // The mesh's publish span continues the publisher's trace.
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", first.Body.GetProperty("traceParent").GetString());
        Assert.Equal((200, "Duplicate"), (again.Status, again.Body.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task HostileBinaryModeHeadersAllGetA4xxProblemNamingTheHeaderAndStoreNothing()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        var valid = new Dictionary<string, string>
        {
            ["ce-specversion"] = "1.0", ["ce-id"] = "h-1", ["ce-source"] = "/apps/tradeline247", ["ce-type"] = "tradeline247:call.received",
            ["ce-targets"] = "omnihub", ["ce-idempotencykey"] = "h-1", ["ce-sequence"] = "1",
        };
        string[] hostile = ["", "%00", "a%0Ab", "%FF%FE", new string('x', 5000), "-1", "1.5", "99999999999", "00-zz", "/apps/Trade Line", "tradeline247:call", "flowbills:invoice.created", "omnihub,omnihub", "tradeline247", "2.0", "%E2%80%AE"];
        // Refused whatever the header: text that is not text. Refused for these headers: values CloudEvents or the mesh forbid there.
        string[] neverText = ["%00", "a%0Ab"];
        var mustRefuse = new HashSet<(string, string)>
        {
            ("ce-specversion", "2.0"), ("ce-specversion", ""), ("ce-id", ""), ("ce-source", ""), ("ce-source", "/apps/Trade Line"), ("ce-source", "tradeline247"),
            ("ce-type", ""), ("ce-type", "tradeline247:call"), ("ce-type", "flowbills:invoice.created"), ("ce-targets", ""), ("ce-targets", "omnihub,omnihub"),
            ("ce-targets", "tradeline247"), ("ce-idempotencykey", ""), ("ce-sequence", "-1"), ("ce-sequence", "1.5"), ("ce-sequence", "99999999999"),
            ("ce-sequence", ""), ("ce-time", "-1"), ("ce-time", "00-zz"), ("ce-time", "2.0"), ("ce-traceparent", "00-zz"), ("ce-traceparent", "-1"),
        };
        var (refused, accepted) = (0, 0);
        foreach (var header in valid.Keys.Append("ce-time").Append("ce-traceparent").Append("ce-subject"))
        {
            foreach (var value in hostile)
            {
                var headers = new Dictionary<string, string>(valid) { [header] = value, ["ce-idempotencykey"] = header == "ce-idempotencykey" ? value : $"h-{refused + accepted}" };
                var content = new ByteArrayContent("""{ "callId": "h-1", "from": "+1-555-0100" }"""u8.ToArray());
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                foreach (var (name, text) in headers)
                {
                    content.Headers.TryAddWithoutValidation(name, text);
                }

                var (status, body) = await SendAsync(silo, content, keys.Apps["tradeline247"]);
                var what = $"{header}: '{value[..Math.Min(value.Length, 40)]}' → {status} {body}";
                Assert.True(status is 202 or (>= 400 and < 500), what);
                if (status == 202)
                {
                    Assert.False(neverText.Contains(value) || mustRefuse.Contains((header, value)), what);
                    accepted++;
                    continue;
                }

                Assert.True(body.TryGetProperty("code", out _), $"no problem code: {what}");
                refused++;
            }
        }

        Assert.True(refused >= mustRefuse.Count + neverText.Length * 10, $"only {refused} refused");
        // Nothing refused reached an app: omnihub took at most the events that were accepted.
        var apps = await silo.AdminGetAsync("/api/v1/tenants/default/apps");
        Assert.True(apps.GetProperty("omnihub").GetProperty("appliedCount").GetInt32() <= accepted);
    }

    private static async Task<(int Status, JsonElement Body)> SendAsync(RunningSilo silo, HttpContent content, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await silo.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
