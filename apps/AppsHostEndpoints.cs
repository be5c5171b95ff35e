using System.Security.Cryptography;
using System.Text;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ApexOrleans.Apps;

/// <summary>
/// The routes of the apps host: <c>POST /apps/{app}</c> takes a signed delivery (one route per app of the catalog);
/// <c>GET /tenants/{tenant}/apps</c> and <c>/receipts</c> read the records back; <c>POST /admin/down</c> and
/// <c>/admin/up</c> take an app down for real (503) and back. Reads and admin calls carry the webhook secret as a bearer token.
/// </summary>
internal static class AppsHostEndpoints
{
    /// <summary>Maps the routes over <paramref name="state"/>, checking signatures with <paramref name="options"/>' secret.</summary>
    public static void MapAppsHost(this IEndpointRouteBuilder routes, AppsHostState state, AppsHostOptions options, TimeProvider clock)
    {
        routes.MapPost("/apps/{app}", async (string app, HttpRequest request) => await DeliverAsync(app, request, state, options, clock));

        var records = routes.MapGroup("/tenants/{tenant}").AddEndpointFilter(Authorized(options));
        records.MapGet("/apps", (string tenant) =>
            TypedResults.Ok(state.Catalog.Apps.Keys.ToDictionary(app => app, app => state.Books(tenant, app).Snapshot())));
        records.MapGet("/receipts", (string tenant) =>
            TypedResults.Ok(state.Catalog.Apps.Keys.ToDictionary(app => app, app => state.Books(tenant, app).Receipts())));

        var admin = routes.MapGroup("/admin").AddEndpointFilter(Authorized(options));
        admin.MapGet("/status", () => TypedResults.Ok(new AppsHostStatus(state.Down, state.CatalogSha256)));
        admin.MapPost("/down", (AppSwitch body) => Switch(state, body, down: true));
        admin.MapPost("/up", (AppSwitch body) => Switch(state, body, down: false));
    }

    private static async Task<IResult> DeliverAsync(string app, HttpRequest request, AppsHostState state, AppsHostOptions options, TimeProvider clock)
    {
        if (state.Catalog.Find(app) is null)
        {
            return TypedResults.Problem($"'{app}' is not an app of this host's catalog.", statusCode: StatusCodes.Status404NotFound);
        }

        if (state.IsDown(app))
        {
            return TypedResults.Problem($"{app} is down.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var body = await ReadBodyAsync(request);
        if (body is null)
        {
            return TypedResults.Problem($"a delivery is at most {MaxBody} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var id = request.Headers[WebhookHeaders.Id].ToString();
        var refusal = WebhookSignature.Refusal(options.Secret, id, request.Headers[WebhookHeaders.Timestamp], request.Headers[WebhookHeaders.Signature],
            body, clock.GetUtcNow(), options.Tolerance);
        if (refusal is not null)
        {
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status401Unauthorized, title: "The signature does not hold");
        }

        WebhookDelivery delivered;
        try
        {
            delivered = WebhookMessage.Read(body);
        }
        catch (PublishRejectedException e)
        {
            return TypedResults.Problem(e.Rejection.Reason, statusCode: StatusCodes.Status422UnprocessableEntity, title: $"{e.Rejection.Field} is not a delivery's");
        }

        if (id != WebhookMessage.IdOf(delivered.Tenant, app, delivered.Delivery))
        {
            return TypedResults.Problem($"{WebhookHeaders.Id} is not this delivery's id.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        if (state.Books(delivered.Tenant, app).Take(delivered.Delivery, delivered.AttemptAt) is not { } result)
        {
            return TypedResults.Problem($"{app} does not take {delivered.Delivery.Role} '{delivered.Delivery.Envelope.EventType}' (or its payload lacks the record's key).",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not an event this app takes");
        }

        var answer = new DeliveryAnswer(result.Status, result.Receipt, result.WaitingFor);
        return result.Status switch
        {
            ApplyStatus.Applied => TypedResults.Ok(answer),
            ApplyStatus.Held => TypedResults.Accepted((string?)null, answer),
            _ => TypedResults.Conflict(answer),
        };
    }

    private const int MaxBody = 1024 * 1024;

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBody)
            {
                return null;
            }
        }

        return buffer.ToArray();
    }

    private static IResult Switch(AppsHostState state, AppSwitch body, bool down)
    {
        if (body.App is not { } app || state.Catalog.Find(app) is null)
        {
            return TypedResults.Problem($"'{body.App}' is not an app of this host's catalog.", statusCode: StatusCodes.Status400BadRequest);
        }

        state.SetDown(app, down);
        return TypedResults.Ok(new AppsHostStatus(state.Down, state.CatalogSha256));
    }

    /// <summary>Admits a call that carries the host's secret as its bearer token (compared in constant time).</summary>
    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Authorized(AppsHostOptions options) => async (context, next) =>
    {
        var expected = Encoding.UTF8.GetBytes("Bearer " + options.Secret.Reveal());
        var given = Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers.Authorization.ToString());
        return CryptographicOperations.FixedTimeEquals(expected, given)
            ? await next(context)
            : TypedResults.Problem("this route needs the host's webhook secret as a bearer token", statusCode: StatusCodes.Status401Unauthorized);
    };
}

/// <summary>The body of <c>/admin/down</c> and <c>/admin/up</c>.</summary>
public sealed record AppSwitch(string? App);

/// <summary>Which apps the host has down, and the SHA-256 of the catalog file it serves.</summary>
public sealed record AppsHostStatus(IReadOnlyList<string> Down, string CatalogSha256);

/// <summary>The answer to a delivery: what the app did with it, its receipt, and what a held delivery waits for.</summary>
public sealed record DeliveryAnswer(ApplyStatus Status, ApplyReceipt? Receipt, IReadOnlyList<string> WaitingFor);
