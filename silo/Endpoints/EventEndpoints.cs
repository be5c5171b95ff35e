using System.Text;
using ApexOrleans.Grains.Delivery;
using ApexOrleans.Grains.Envelope;
using ApexOrleans.Grains.Idempotency;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Silo.Hosting;
using ApexOrleans.Silo.Security;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Silo.Endpoints;

/// <summary>Publishing: <c>POST /api/v1/events</c> with the source app's key; the tenant in <c>X-Apex-Tenant</c>.</summary>
public static class EventEndpoints
{
    /// <summary>The header naming the tenant (a run); absent means the default tenant.</summary>
    public const string TenantHeader = "X-Apex-Tenant";

    /// <summary>Maps the group.</summary>
    public static void MapEventEndpoints(this IEndpointRouteBuilder routes)
    {
        var events = routes.MapGroup("/api/v1/events").WithTags("events");
        events.MapPost("/", PublishAsync)
            .WithSummary("Publish an event as the app whose key is given")
            .WithDescription("Body: an envelope in the story form or as a CloudEvent. 202 with the receipt when accepted; 200 with the original receipt " +
                             "for a repeat of an accepted publish (Idempotent-Replayed: true); 4xx problem details otherwise, and nothing changes.")
            .Produces<PublishReceipt>(StatusCodes.Status202Accepted)
            .Produces<PublishReceipt>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> PublishAsync(HttpRequest request, MeshGateway gateway, ApiKeyRing keys, IOptions<SiloOptions> options, CancellationToken cancellationToken)
    {
        var tenant = request.Headers.TryGetValue(TenantHeader, out var header) ? header.ToString() : MeshKeys.DefaultTenant;
        if (!MeshKeys.IsTenant(tenant))
        {
            return ApiProblems.BadRequest("invalid_tenant", $"{TenantHeader}: '{tenant}' is not a tenant id (lower case letters, digits, '-').");
        }

        var permission = keys.AuthorizePublish(ApiKeyAuthentication.KeyOf(request), tenant);
        if (permission.Forbidden is { } why)
        {
            return ApiProblems.Forbidden(why);
        }

        if (permission.App is not { } app)
        {
            return ApiProblems.Unauthorized("Publishing needs the source app's key: Authorization: Bearer <app key> (into a run: the run's key for the app).");
        }

        var body = await ReadLimitedAsync(request.Body, options.Value.MaxEventBytes, cancellationToken);
        if (body is null)
        {
            return ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The body is larger than {options.Value.MaxEventBytes} bytes.");
        }

        try
        {
            var envelope = EnvelopeParser.Parse(body);
            if (envelope.SourceApp != app)
            {
                return ApiProblems.Forbidden($"The key belongs to '{app}'; it cannot publish as '{envelope.SourceApp}'. Nothing was stored.");
            }

            var receipt = await gateway.PublishAsync(tenant, envelope);
            var location = $"/api/v1/tenants/{tenant}/receipts/{envelope.SourceApp}/{Uri.EscapeDataString(envelope.IdempotencyKey)}";
            switch (receipt.Status)
            {
                case PublishStatus.Accepted:
                    return TypedResults.Accepted(location, receipt);
                case PublishStatus.Duplicate:
                    request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
                    return TypedResults.Ok(receipt);
                default:
                    return ApiProblems.Rejected(new PublishRejection("idempotency_in_progress", "idempotencyKey",
                        $"a publish with key '{envelope.IdempotencyKey}' is being accepted right now; retry later for its receipt"));
            }
        }
        catch (PublishRejectedException e)
        {
            return ApiProblems.Rejected(e.Rejection);
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes as UTF-8; null when the body is larger.</summary>
    private static async Task<string?> ReadLimitedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
