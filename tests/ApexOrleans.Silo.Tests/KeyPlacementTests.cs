using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ApexOrleans.Silo.Security;

namespace ApexOrleans.Silo.Tests;

/// <summary>Keys travel only in the Authorization header; the browser's stream opens with a short-lived HttpOnly cookie instead.</summary>
public sealed class KeyPlacementTests
{
    private const string Call = """
        { "eventType": "tradeline247:call.received", "target": ["omnihub"], "idempotencyKey": "k", "payload": { "callId": "call-001" } }
        """;

    [Fact]
    public async Task AKeyInTheUrlIsRefusedWith401SayingWhereItGoesOnEveryEndpointAndNothingIsStored()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        var admin = Uri.EscapeDataString(keys.Admin);
        (HttpMethod Method, string Path, string? Body)[] requests =
        [
            (HttpMethod.Get, $"/api/v1/runs?key={admin}", null),
            (HttpMethod.Get, $"/api/v1/tenants/default/apps?key={admin}", null),
            (HttpMethod.Get, $"/api/v1/activity/stream?tenant=default&key={admin}", null),
            (HttpMethod.Get, $"/api/v1/faults?KEY={admin}", null),
            (HttpMethod.Get, $"/?key={admin}", null),
            (HttpMethod.Post, $"/api/v1/events?key={Uri.EscapeDataString(keys.Apps["tradeline247"])}", Call),
            (HttpMethod.Post, $"/api/v1/runs?key={admin}", """{ "runId": "by-url", "settings": {} }"""),
        ];

        foreach (var (method, path, body) in requests)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await silo.Http.SendAsync(request);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.True(HttpStatusCode.Unauthorized == response.StatusCode, $"{method} {path}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("unauthorized", problem.GetProperty("code").GetString());
            Assert.Contains("Authorization: Bearer <key>", problem.GetProperty("detail").GetString());
        }

        Assert.All((await silo.AdminGetAsync("/api/v1/tenants/default/apps")).EnumerateObject(), app => Assert.Equal(0, app.Value.GetProperty("appliedCount").GetInt32()));
        Assert.Empty((await silo.AdminGetAsync("/api/v1/runs")).EnumerateArray());
    }

    [Fact]
    public async Task TheStreamOpensWithTheAdminsHttpOnlySessionCookieAndNotWithoutIt()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();

        var anonymous = await silo.Http.PostAsync("/api/v1/activity/stream-sessions", null);
        using var byApp = new HttpRequestMessage(HttpMethod.Post, "/api/v1/activity/stream-sessions");
        byApp.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Apps["flowbills"]);
        var appKey = await silo.Http.SendAsync(byApp);
        using var byAdmin = new HttpRequestMessage(HttpMethod.Post, "/api/v1/activity/stream-sessions");
        byAdmin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);
        var session = await silo.Http.SendAsync(byAdmin);
        var cookie = session.Headers.GetValues("Set-Cookie").Single();
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(silo.Url) };
        using var withoutCookie = await browser.GetAsync("/api/v1/activity/stream", HttpCompletionOption.ResponseHeadersRead);
        using var stream = new HttpRequestMessage(HttpMethod.Get, "/api/v1/activity/stream?tenant=default");
        stream.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var opened = await browser.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await opened.Content.ReadAsStreamAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, appKey.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, session.StatusCode);
        Assert.StartsWith($"{StreamSessions.CookieName}=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"path={StreamSessions.StreamPath}", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=60", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCookie.StatusCode);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("text/event-stream", opened.Content.Headers.ContentType!.MediaType);
        Assert.Equal(": connected", await reader.ReadLineAsync());
    }

    [Fact]
    public void AStreamSessionOpensTheStreamOnlyUntilItsLifetimeEnds()
    {
        var clock = new SettableClock(DateTimeOffset.Parse("2026-01-03T07:00:00Z"));
        var sessions = new StreamSessions(clock);
        var (token, expires) = sessions.Open();

        var fresh = sessions.IsOpen(token);
        clock.Now += StreamSessions.Lifetime - TimeSpan.FromSeconds(1);
        var nearlyExpired = sessions.IsOpen(token);
        clock.Now += TimeSpan.FromSeconds(1);
        var expired = sessions.IsOpen(token);

        Assert.Equal(DateTimeOffset.Parse("2026-01-03T07:01:00Z"), expires);
        Assert.Equal(64, token.Length);
        Assert.True(fresh);
        Assert.True(nearlyExpired);
        Assert.False(expired);
        Assert.False(sessions.IsOpen("not-a-session"));
        Assert.False(sessions.IsOpen(null));
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
