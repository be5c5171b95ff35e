using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace ApexOrleans.Silo.Tests;

/// <summary>Thousands of generated malformed and hostile envelopes: each gets a 4xx, the silo stays up, nothing is stored.</summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const string Valid = """{ "eventType": "tradeline247:call.received", "target": ["omnihub"], "idempotencyKey": "k", "payload": { "callId": "c-1" } }""";

    private static readonly string[] Fields = ["eventType", "target", "idempotencyKey", "payload"];

    /// <summary>Every generated body is invalid by construction; none can be a valid publish.</summary>
    private static Gen<(string Name, string Body, bool ForeignKey)> Hostile()
    {
        var text = Gen.Elements("", " ", "ü", "💥", "'", "\"", "\\u0000", "<script>", "../../etc", "DROP TABLE", "{", "]", "𝕏", "\n").ListOf().Select(l => string.Concat(l));
        var json = Gen.OneOf(
            Gen.Constant("null"), Gen.Constant("true"), Gen.Constant("[]"), Gen.Constant("\"text\""), Gen.Choose(-1000, 1000).Select(n => n.ToString()),
            text.Select(t => JsonString(t)), Gen.Constant("{}"), Gen.Constant("[1,{\"a\":2}]"));
        return Gen.OneOf(
            Gen.Choose(1, 400).SelectMany(n => Gen.Elements<byte>(0, 1, 0x7b, 0x7d, 0x22, 0xff, 0xc3, 0x28, 0x41).ArrayOf(n))
                .Select(bytes => ("random bytes", Encoding.Latin1.GetString(bytes), false)),
            json.Select(j => ("not an object", j, false)),
            Gen.Elements(Fields).Select(f => ($"missing {f}", Without(f), false)),
            Gen.Elements(Fields).SelectMany(f => json.Where(j => !j.StartsWith('{') && !j.StartsWith('"')).Select(j => ($"{f} of the wrong type", With(f, j), false))),
            text.Select(t => ("bad event type", With("eventType", JsonString("X" + t)), false)),
            Gen.Elements("[]", "[\"tradeline247\"]", "[\"ghost\"]", "[\"omnihub\",\"omnihub\"]", "[7]", "\"Not An App\"").Select(t => ("bad targets", With("target", t), false)),
            Gen.Elements("{}", "{\"from\":\"x\"}", "{\"callId\":{}}", "{\"callId\":\"\"}").Select(p => ("payload without its key", With("payload", p), false)),
            Gen.Elements(">", "a>b", new string('k', 201), "tab\there").Select(k => ("bad idempotency key", With("idempotencyKey", JsonString(k)), false)),
            Gen.Choose(33, 80).Select(depth => ("too deep", string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth), false)),
            Gen.Choose(0, 3).Select(n => ("too large", With("payload", $"{{\"callId\":\"{new string('x', 70_000 + n)}\"}}"), false)),
            Gen.Constant(("another app's key", Valid, true)));
    }

    [Fact]
    public async Task ThousandsOfHostileEnvelopesAllGetA4xxAndChangeNothing()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        var inputs = Gen.Sample(Hostile(), 2500);
        var statuses = new Dictionary<int, int>();
        var byKind = new Dictionary<string, int>();

        foreach (var (name, body, foreignKey) in inputs)
        {
            var (status, problem, _) = await silo.PublishAsync(body, foreignKey ? keys.Apps["flowbills"] : keys.Apps["tradeline247"]);
            Assert.True(status is >= 400 and < 500, $"{name}: {status} for {body[..Math.Min(body.Length, 200)]}");
            Assert.True(problem.TryGetProperty("code", out _), $"{name}: no problem code");
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            byKind[name] = byKind.GetValueOrDefault(name) + 1;
        }

        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/live")).StatusCode);
        var apps = await silo.AdminGetAsync("/api/v1/tenants/default/apps");
        Assert.All(apps.EnumerateObject(), app => Assert.Equal(0, app.Value.GetProperty("appliedCount").GetInt32()));
        output.WriteLine($"{inputs.Length} hostile inputs: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => s.Key == 0 ? $"{s.Value}×400 by Kestrel (NUL in the path)" : $"{s.Value}×{s.Key}"))}; " +
                         $"kinds: {string.Join(", ", byKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}; nothing stored");
    }

    /// <summary>
    /// Hostile requests to every endpoint that takes a body, a route value or a query value: lone surrogates at any depth,
    /// control characters at the ends of ids, every kind of content type, admin bodies and routes, keys in the URL.
    /// 10,000 in a test run; APEX_FUZZ_LONG=1 runs 200,000.
    /// </summary>
    [Fact]
    public async Task EveryEndpointAnswersTensOfThousandsOfHostileRequestsWithA4xxProblemStoresNothingAndStaysReady()
    {
        var total = Environment.GetEnvironmentVariable("APEX_FUZZ_LONG") == "1" ? 200_000 : 10_000;
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var byKind = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        for (var sent = 0; sent < total; sent += 5_000)
        {
            var batch = Gen.Sample(HostileRequests.Any(), Math.Min(5_000, total - sent));
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (probe, cancellationToken) =>
            {
                using var request = new HttpRequestMessage(probe.Method, probe.Path);
                if (probe.Body is not null)
                {
                    request.Content = new ByteArrayContent(probe.Body);
                    if (probe.ContentType is not null)
                    {
                        request.Content.Headers.TryAddWithoutValidation("Content-Type", probe.ContentType);
                    }
                }

                var key = probe.Key switch { ProbeKey.Admin => keys.Admin, ProbeKey.App => keys.Apps["tradeline247"], _ => null };
                if (key is not null)
                {
                    request.Headers.Authorization = new("Bearer", key);
                }

                using var response = await silo.Http.SendAsync(request, cancellationToken);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var coded = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                            && System.Text.Json.JsonDocument.Parse(text).RootElement.TryGetProperty("code", out _)
                            // A 415 says what the endpoint takes: JSON everywhere, and CloudEvents' type on a publish only.
                            && (status != 415 || (text.Contains("application/json", StringComparison.Ordinal)
                                                  && text.Contains("application/cloudevents+json", StringComparison.Ordinal) == probe.Path.StartsWith("/api/v1/events", StringComparison.Ordinal)));
                if (status == 400 && text.Length == 0 && probe.Path.Contains("%00", StringComparison.Ordinal))
                {
                    // Kestrel itself refuses a NUL in the path before the silo sees the request: a 400 it writes without a body.
                    statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
                    byKind.AddOrUpdate(probe.Kind, 1, (_, n) => n + 1);
                    return;
                }

                if (status is < 400 or >= 500 || !coded)
                {
                    failures.Enqueue($"{status} {text[..Math.Min(text.Length, 300)]} for {probe}");
                }

                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                byKind.AddOrUpdate(probe.Kind, 1, (_, n) => n + 1);
            });
        }

        var elapsed = clock.Elapsed;
        Assert.True(failures.IsEmpty, $"{failures.Count} answers were not a 4xx problem with a code; first: {string.Join("\n", failures.Take(10))}");
        Assert.Equal(total, statuses.Values.Sum());
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/ready")).StatusCode);
        Assert.All((await silo.AdminGetAsync("/api/v1/tenants/default/apps")).EnumerateObject(), app => Assert.Equal(0, app.Value.GetProperty("appliedCount").GetInt32()));
        Assert.Equal(["default"], (await silo.AdminGetAsync("/api/v1/tenants")).EnumerateArray().Select(t => t.GetString()));
        Assert.Empty((await silo.AdminGetAsync("/api/v1/runs")).EnumerateArray());
        Assert.Empty((await silo.AdminGetAsync("/api/v1/experiments")).EnumerateArray());
        Assert.Empty((await silo.AdminGetAsync("/api/v1/faults")).EnumerateArray());
        foreach (var app in keys.Apps.Keys)
        {
            using var receipt = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tenants/default/receipts/{app}/k");
            receipt.Headers.Authorization = new("Bearer", keys.Admin);
            Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.SendAsync(receipt)).StatusCode);
        }
        output.WriteLine($"{total} hostile requests in {elapsed.TotalSeconds:0.0} s: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => s.Key == 0 ? $"{s.Value}×400 by Kestrel (NUL in the path)" : $"{s.Value}×{s.Key}"))}; " +
                         $"kinds: {string.Join(", ", byKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}; nothing stored, ready");
    }

    private static string JsonString(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static string With(string field, string valueJson)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Valid)!.AsObject();
        node[field] = System.Text.Json.Nodes.JsonNode.Parse(valueJson);
        return node.ToJsonString();
    }

    private static string Without(string field)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Valid)!.AsObject();
        node.Remove(field);
        return node.ToJsonString();
    }
}
