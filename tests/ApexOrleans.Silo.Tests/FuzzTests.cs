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
        output.WriteLine($"{inputs.Length} hostile inputs: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value}×{s.Key}"))}; " +
                         $"kinds: {string.Join(", ", byKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}; nothing stored");
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
