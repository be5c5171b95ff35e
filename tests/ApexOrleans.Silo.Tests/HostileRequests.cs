using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace ApexOrleans.Silo.Tests;

/// <summary>Which key a hostile request carries.</summary>
internal enum ProbeKey
{
    None,
    Admin,
    App,
}

/// <summary>One generated request: invalid by construction, so the only right answer is a 4xx problem that changes nothing.</summary>
internal sealed record Probe(string Kind, HttpMethod Method, string Path, string? ContentType, byte[]? Body, ProbeKey Key)
{
    public override string ToString() =>
        $"{Kind}: {Method} {Path} [{ContentType}] {(Body is null ? "" : Encoding.UTF8.GetString(Body[..Math.Min(Body.Length, 200)]))}";
}

/// <summary>Hostile requests to every endpoint that takes a body, a route value or a query value, admin endpoints included.</summary>
internal static class HostileRequests
{
    private const string Json = "application/json";
    private const string Envelope = """{ "eventType": "tradeline247:call.received", "target": ["omnihub"], "idempotencyKey": "k", "payload": { "callId": "c-1" } }""";
    private const string Run = """{ "runId": "fuzz-run", "settings": { "clock": "Virtual", "clockStart": "2026-01-03T07:00:00Z" } }""";
    private const string Fault = """{ "kind": "app-outage", "app": "trutalk", "owner": "fuzz" }""";
    private const string Experiment = """{ "runId": "ex-fuzz-1", "experimentId": "EX-F", "title": "t", "owner": "o", "startedAt": "2026-01-03T07:00:00Z", "status": "Completed", "passed": true, "verdict": "v", "recoverySeconds": null, "rtoSeconds": 30, "journal": {} }""";
    private const string Time = """{ "time": "2026-01-03T08:00:00Z" }""";

    private static readonly string[] Controls = ["\n", "\r", "\t", "\0", "\u001f", "\u007f", "\u0085", "\r\n"];

    /// <summary>JSON string literals that are not valid text: lone surrogates, escaped, anywhere in the string.</summary>
    private static readonly string[] BadStrings = ["\"\\ud800\"", "\"k\\udc00\"", "\"\\udfff-k\"", "\"a\\ud83d\"", "\"\\ud800\\ud800\"", "\"\\ude00\\ud83d\""];

    /// <summary>Content types that are not JSON as the silo takes it.</summary>
    private static readonly string[] NotJson =
    [
        "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
        "text/json", "text/html", "application/jsonp", "application/problem+json", "application/merge-patch+json", "application/ld+json",
        "application/json; charset=latin1", "application/json; charset=utf-16", "application/json; version=2", "application/octet-stream",
        "*/*", "application/*", "json", "application", "", "application/json;;", "application/cloudevents", "application/cloudevents+xml",
    ];

    /// <summary>Everything the silo takes from outside, each aimed at a different guarantee.</summary>
    public static Gen<Probe> Any() => Gen.OneOf(
        Gen.Elements(BadStrings).SelectMany(s => Gen.Elements("idempotencyKey", "eventType", "payload.callId", "payload.from", "payload.deep", "target", "app"))
            .Zip(Gen.Elements(BadStrings)).Select(p => Post("lone surrogate in an envelope", "/api/v1/events", Inject(Envelope, p.Item1, p.Item2), ProbeKey.App)),
        Gen.Elements(Controls).Zip(Gen.Elements(true, false)).Select(p =>
            Post("control character at an end of an idempotency key", "/api/v1/events", Replace(Envelope, "\"k\"", Quote(p.Item2 ? "k" + p.Item1 : p.Item1 + "k")), ProbeKey.App)),
        Gen.Elements("[0xED,0xA0,0x80]", "[0xFF]", "[0xC3,0x28]", "[0xC0,0xAF]").Select(b => new Probe("invalid UTF-8 bytes in a string", HttpMethod.Post, "/api/v1/events", Json,
            Bytes(Envelope.Replace("\"c-1\"", "\"c-§\""), b), ProbeKey.App)),
        BodyEndpoints().Zip(Gen.Elements(NotJson)).Select(p => p.Item1 with { Kind = "not a JSON content type", ContentType = p.Item2 }),
        BodyEndpoints().Select(p => p with { Kind = "no content type", ContentType = null }),
        Id().Select(id => Post("run id that is not a tenant id", "/api/v1/runs", Replace(Run, "\"fuzz-run\"", id), ProbeKey.Admin)),
        Gen.Elements("null", "5", "\"x\"", "[]", "{\"chaos\":null}", "{\"delivery\":null}", "{\"circuit\":null}", "{\"clock\":\"Sideways\"}",
                "{\"clockStart\":\"yesterday\"}", "{\"timeScale\":\"fast\"}", "{\"chaos\":{\"seed\":\"x\"}}", "{\"clock\":\"\\ud800\"}", "{\"chaos\":[]}")
            .Select(s => Post("run settings that are not settings", "/api/v1/runs", $$"""{ "runId": "fuzz-run", "settings": {{s}} }""", ProbeKey.Admin)),
        Gen.Elements("", "{", "[]", "null", "\"run\"", "{\"runId\":5}", "{\"runId\":[]}", "{\"settings\":{}}").Select(b => Post("a run that is not an object of its shape", "/api/v1/runs", b, ProbeKey.Admin)),
        RouteId(namesNothing: true).Zip(Gen.Elements("clock", "advance", "settle", "scorecard", "")).Select(p => RunRoute(p.Item1, p.Item2)),
        Gen.Elements("{}", "5", "{\"time\":\"soon\"}", "{\"time\":\"\\ud800\"}", "[]", "{\"time\":5}").Zip(Gen.Elements("advance", "settle"))
            .Select(p => Post("a time that is not a time", $"/api/v1/runs/fuzz-run/{p.Item2}", p.Item1, ProbeKey.Admin)),
        Gen.Elements("{\"kind\":\"meltdown\"}", "{\"kind\":\"app-outage\"}", "{\"kind\":\"app-outage\",\"app\":\"ghost\"}", "{\"kind\":\"app-outage\",\"app\":\"trutalk\\n\"}",
                "{\"kind\":\"delivery-delay\",\"delayMs\":0}", "{\"kind\":\"delivery-delay\",\"delayMs\":-5}", "{\"kind\":\"\\ud800\"}", "{}", "{\"kind\":5}", "null",
                "{\"kind\":\"app-outage\",\"app\":\"trutalk\",\"owner\":\"\\udc00\"}", "{\"kind\":\"app-outage\",\"app\":\"\\ud800\"}", "{\"kind\":\"delivery-delay\",\"delayMs\":\"x\"}")
            .Select(b => Post("a fault that is not a fault", "/api/v1/faults", b, ProbeKey.Admin)),
        RouteId(namesNothing: true).Select(id => new Probe("a fault id that is no fault", HttpMethod.Delete, $"/api/v1/faults/{id}", null, null, ProbeKey.Admin)),
        Gen.Elements(Controls).Select(c => new Probe("a kill switch owner with a control character", HttpMethod.Delete, $"/api/v1/faults?owner={Uri.EscapeDataString("fuzz" + c)}", null, null, ProbeKey.Admin)),
        Id().Select(id => Post("an experiment whose run id is not an id", "/api/v1/experiments", Replace(Experiment, "\"ex-fuzz-1\"", id), ProbeKey.Admin)),
        Gen.Elements("\"experimentId\": \"EX-F\"", "\"startedAt\": \"2026-01-03T07:00:00Z\"").Zip(Gen.Elements([.. BadStrings, "\"\"", "5", "[]", "{\"a\":[1,\"\\ud800\"]}"]))
            .Select(p => Post("an experiment with a bad field", "/api/v1/experiments", Replace(Experiment, p.Item1, p.Item1.Split(':')[0] + ": " + p.Item2), ProbeKey.Admin)),
        Gen.Elements([.. BadStrings, "{\"samples\":[1,{\"probe\":\"\\ud800\"}]}"])
            .Select(j => Post("an experiment journal that is not valid text", "/api/v1/experiments", Replace(Experiment, "\"journal\": {}", "\"journal\": " + j), ProbeKey.Admin)),
        Gen.Elements(BadStrings).Select(s => Put("a scorecard that is not valid text", "/api/v1/runs/fuzz-run/scorecard", $$"""{ "passed": true, "criteria": [{ "title": {{s}} }] }""")),
        RouteId(namesNothing: false).Zip(Gen.Elements("apps", "apps/omnihub", "apps/omnihub/receipts", "circuits", "queues", "receipts/tradeline247/k")).Select(p =>
            new Probe("a tenant id that is not an id", HttpMethod.Get, $"/api/v1/tenants/{p.Item1}/{p.Item2}", null, null, ProbeKey.Admin)),
        RouteId(namesNothing: true).Zip(Gen.Elements("", "/receipts")).Select(p => new Probe("an app that is not in the catalog", HttpMethod.Get, $"/api/v1/tenants/default/apps/{p.Item1}{p.Item2}", null, null, ProbeKey.Admin)),
        Gen.Elements("?count=abc", "?count=99999999999", "/latency?sliceSeconds=x", "/latency?sliceSeconds=1.5", "?tenant=%0Adefault", "?tenant=default%00",
                "?count=1e3", "?tenant=%E2%80%A8&count=%0A5", "/stream?tenant=default%0D")
            .Select(q => new Probe("a query value that is not one", HttpMethod.Get, $"/api/v1/activity{q}", null, null, ProbeKey.Admin)),
        BodyEndpoints().Zip(Gen.Elements(ProbeKey.None, ProbeKey.App)).Select(p => p.Item1 with { Kind = "a request without the key it needs", Key = p.Item1.Key == ProbeKey.App ? ProbeKey.None : p.Item2 }),
        BodyEndpoints().Select(p => p with { Kind = "a key in the URL", Path = p.Path + "?key=secret-in-the-url" }));

    /// <summary>A valid request (with the right content type) to every endpoint that takes a body.</summary>
    private static Gen<Probe> BodyEndpoints() => Gen.Elements(
        Post("", "/api/v1/events", Envelope, ProbeKey.App), Post("", "/api/v1/runs", Run, ProbeKey.Admin),
        Post("", "/api/v1/faults", Fault, ProbeKey.Admin), Post("", "/api/v1/experiments", Experiment, ProbeKey.Admin),
        Put("", "/api/v1/runs/fuzz-run/scorecard", "{ \"passed\": true }"), Post("", "/api/v1/runs/fuzz-run/advance", Time, ProbeKey.Admin),
        Post("", "/api/v1/runs/fuzz-run/settle", Time, ProbeKey.Admin));

    /// <summary>A JSON string literal that is not an id: control characters at its ends, upper case, too long, empty, lone surrogates, not a string.</summary>
    private static Gen<string> Id() => Gen.OneOf(
        Gen.Elements(Controls).Zip(Gen.Elements("fuzz-run", "ex-fuzz-1", "default")).Zip(Gen.Elements(0, 1, 2))
            .Select(p => Quote(p.Item2 switch { 0 => p.Item1.Item2 + p.Item1.Item1, 1 => p.Item1.Item1 + p.Item1.Item2, _ => p.Item1.Item2 + p.Item1.Item1 + p.Item1.Item2 })),
        Gen.Elements("\"BAD!\"", "\"Fuzz-Run\"", "\"\"", "\" \"", "\"-run\"", "\"run/1\"", "\"run%0A\"", "5", "null", "[]", Quote(new string('a', 64)), "\"\\u2028run\""),
        Gen.Elements(BadStrings));

    /// <summary>A route segment (escaped) that is not an id, or (with <paramref name="namesNothing"/>) an id that names nothing here.</summary>
    private static Gen<string> RouteId(bool namesNothing) => Gen.OneOf(
        Gen.Elements(Controls).Zip(Gen.Elements("fuzz-run", "default", "omnihub", "fault-1")).Zip(Gen.Elements(true, false))
            .Select(p => Uri.EscapeDataString(p.Item2 ? p.Item1.Item2 + p.Item1.Item1 : p.Item1.Item1 + p.Item1.Item2)),
        Gen.Elements(["BAD!", "%ED%A0%80", "%FF", "%C0%AF", "%2e%2e", "a%2Fb", "%E2%80%A8", new string('a', 64), "%20", "Default", .. namesNothing ? ["no-such-run", "ghost", "fault-999"] : Array.Empty<string>()]));

    private static Probe RunRoute(string id, string action) => action switch
    {
        "clock" => new Probe("a run id in the route that names no run", HttpMethod.Get, $"/api/v1/runs/{id}/clock", null, null, ProbeKey.Admin),
        "scorecard" => Put("a run id in the route that names no run", $"/api/v1/runs/{id}/scorecard", "{ \"passed\": true }"),
        "" => new Probe("a run id in the route that names no run", HttpMethod.Delete, $"/api/v1/runs/{id}", null, null, ProbeKey.Admin),
        _ => Post("a run id in the route that names no run", $"/api/v1/runs/{id}/{action}", Time, ProbeKey.Admin),
    };

    private static Probe Post(string kind, string path, string body, ProbeKey key) => new(kind, HttpMethod.Post, path, Json, Encoding.UTF8.GetBytes(body), key);

    private static Probe Put(string kind, string path, string body) => new(kind, HttpMethod.Put, path, Json, Encoding.UTF8.GetBytes(body), ProbeKey.Admin);

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static string Replace(string json, string what, string with) =>
        json.Contains(what, StringComparison.Ordinal) ? json.Replace(what, with, StringComparison.Ordinal) : throw new ArgumentException($"{what} not in {json}");

    /// <summary>Puts a bad string literal at a field of the envelope.</summary>
    private static string Inject(string envelope, string field, string literal) => field switch
    {
        "payload.deep" => Replace(envelope, "\"callId\": \"c-1\"", $"\"callId\": \"c-1\", \"lines\": [1, {{ \"note\": [\"ok\", {literal}] }}]"),
        "payload.callId" => Replace(envelope, "\"c-1\"", literal),
        "payload.from" => Replace(envelope, "\"callId\": \"c-1\"", $"\"callId\": \"c-1\", \"from\": {literal}"),
        "target" => Replace(envelope, "[\"omnihub\"]", $"[\"omnihub\", {literal}]"),
        "app" => Replace(envelope, "{ \"eventType\"", $"{{ \"app\": {literal}, \"eventType\""),
        "idempotencyKey" => Replace(envelope, "\"k\"", literal),
        _ => Replace(envelope, "\"tradeline247:call.received\"", literal),
    };

    /// <summary>The UTF-8 of <paramref name="json"/> with the bytes listed in place of '§'.</summary>
    private static byte[] Bytes(string json, string bytes)
    {
        var raw = bytes.Trim('[', ']').Split(',').Select(b => Convert.ToByte(b.Trim(), 16)).ToArray();
        var at = json.IndexOf('§', StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(json[..at]), .. raw, .. Encoding.UTF8.GetBytes(json[(at + 1)..])];
    }
}
