using ApexOrleans.Contracts.Http;
using System.Text;
using System.Text.Json;
using ApexOrleans.Silo.Hosting;
using ApexOrleans.Silo.Security;

using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Contracts.Publishing;

namespace ApexOrleans.Silo.Endpoints;

/// <summary>Publishing: <c>POST /api/v1/events</c> with the source app's key; the tenant in <c>X-Apex-Tenant</c>.</summary>
public static class EventEndpoints
{
    /// <summary>Where events are published: the one endpoint that also takes CloudEvents' media type.</summary>
    public const string Path = ApiRoutes.Events;

    /// <summary>The header naming the tenant (a run); absent means the default tenant.</summary>
    public const string TenantHeader = "X-Apex-Tenant";

    /// <summary>Maps the group.</summary>
    public static void MapEventEndpoints(this IEndpointRouteBuilder routes, SiloOptions options)
    {
        var events = routes.MapGroup(Path).WithTags("events");
        events.MapPost("/", PublishAsync)
            .Accepts<JsonElement>(EdgeValidation.JsonMediaTypes[0], [.. EdgeValidation.JsonMediaTypes.Skip(1)])
            .WithMetadata(new BodyLimit(options.MaxEventBytes))
            .WithSummary("Publish an event as the app whose key is given")
            .WithDescription("Body: an envelope in the story form, or a CloudEvent in structured mode (application/cloudevents+json) or binary mode " +
                             "(ce-* headers, the data as application/json). 202 with the receipt when accepted; 200 with the original receipt " +
                             "for a repeat of an accepted publish (Idempotent-Replayed: true); 4xx problem details otherwise, and nothing changes.")
            .Produces<PublishReceipt>(StatusCodes.Status202Accepted)
            .Produces<PublishReceipt>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> PublishAsync(HttpRequest request, IEventPublisher gateway, ApiKeyRing keys, IGrainFactory grains, CancellationToken cancellationToken)
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

        if (tenant != MeshKeys.DefaultTenant && !await grains.GetGrain<ITenantGrain>(tenant).IsConfiguredAsync())
        {
            // A run's keys outlive the run (they are derived, not stored): a retired run, or one this silo lost in a restart, takes nothing.
            return ApiProblems.Problem(StatusCodes.Status404NotFound, "run_not_found",
                $"No run '{tenant}' on this silo: it was retired, never created, or lost in a restart (its runner takes it up again). Nothing was stored.");
        }

        // The edge (EdgeValidation) has checked the content type, the size and every string of the body already.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);

        try
        {
            // Binary mode: the attributes in ce-* headers, the body the event's data. Else the story form or a structured CloudEvent.
            var envelope = MeshCloudEvents.IsBinary(request.Headers.Keys, request.ContentType)
                ? EnvelopeParser.ParseBinary(request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())), request.ContentType,
                    buffer.GetBuffer().AsMemory(0, (int)buffer.Length))
                : EnvelopeParser.Parse(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            if (envelope.SourceApp != app)
            {
                return ApiProblems.Forbidden($"The key belongs to '{app}'; it cannot publish as '{envelope.SourceApp}'. Nothing was stored.");
            }

            var receipt = await gateway.PublishAsync(tenant, envelope);
            var location = ApiRoutes.To(ApiRoutes.Tenants, ApiRoutes.PublishReceipt, tenant, envelope.SourceApp, envelope.IdempotencyKey);
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
}
