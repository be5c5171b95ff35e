using ApexOrleans.Contracts.Http;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ApexOrleans.Silo.Security;

/// <summary>
/// How the dashboard opens its activity stream without a key in the URL. A browser's EventSource cannot send an
/// Authorization header, so the page first posts the admin key in that header to
/// <c>POST /api/v1/activity/stream-sessions</c> and gets a random session in an HttpOnly, SameSite=Strict cookie
/// scoped to the stream's path, valid for <see cref="Lifetime"/>. A cookie rather than a token in the stream's URL:
/// a token in a URL is again a secret in logs, history and Referer headers, while this cookie is never readable by
/// scripts, never sent by another site, and never sent to any other endpoint. It opens the stream and nothing else.
/// </summary>
public sealed class StreamSessions(TimeProvider clock)
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "apex-stream";

    /// <summary>The only path the cookie is sent to.</summary>
    public const string StreamPath = ApiRoutes.Activity + ApiRoutes.ActivityStream;

    /// <summary>How long a session can open the stream (an open stream stays open; the page logs in again to reconnect).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);

    /// <summary>Starts a session; returns its token and when it expires.</summary>
    public (string Token, DateTimeOffset Expires) Open()
    {
        var now = clock.GetUtcNow();
        foreach (var (token, expires) in _expiries)
        {
            if (expires <= now)
            {
                _expiries.TryRemove(token, out _);
            }
        }

        var session = (Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), now + Lifetime);
        _expiries[session.Item1] = session.Item2;
        return session;
    }

    /// <summary>Whether <paramref name="token"/> is a session that has not expired.</summary>
    public bool IsOpen(string? token) => token is not null && _expiries.TryGetValue(token, out var expires) && clock.GetUtcNow() < expires;

    /// <summary>Sets the cookie of a new session on the response.</summary>
    public void SetCookie(HttpContext context)
    {
        var (token, expires) = Open();
        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = StreamPath,
            Expires = expires,
            MaxAge = Lifetime,
        });
    }

    /// <summary>An endpoint filter that answers 401 unless the request carries the admin key or a live stream session cookie.</summary>
    public static RouteHandlerBuilder RequireAdminKeyOrSession(RouteHandlerBuilder endpoint) => endpoint.AddEndpointFilter(async (context, next) =>
    {
        var http = context.HttpContext;
        var keys = http.RequestServices.GetRequiredService<ApiKeyRing>();
        var sessions = http.RequestServices.GetRequiredService<StreamSessions>();
        return keys.IsAdmin(ApiKeyAuthentication.KeyOf(http.Request)) || sessions.IsOpen(http.Request.Cookies[CookieName])
            ? await next(context)
            : ApiProblems.Unauthorized(
                $"The stream needs the admin key (Authorization: Bearer <key>) or the cookie of POST /api/v1/activity/stream-sessions (sent with that header), valid for {Lifetime.TotalSeconds:0} s.");
    });
}
