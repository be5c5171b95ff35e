using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace ApexOrleans.Silo.Hosting;

/// <summary>Endpoint metadata: the largest body the endpoint takes; the edge answers 413 above it.</summary>
public sealed record BodyLimit(int MaxBytes);

/// <summary>
/// The one place every request is checked before an endpoint sees it, so no endpoint repeats these checks:
/// no key in the URL (401); every query and route value is valid UTF-16 without control characters (400);
/// an endpoint that takes a body gets only <c>application/json</c> or <c>application/cloudevents+json</c>
/// (optionally <c>charset=utf-8</c>; anything else is 415), within its <see cref="BodyLimit"/> (413), well-formed,
/// and with every string valid text at any depth (400 naming the field).
/// </summary>
public sealed class EdgeValidation(RequestDelegate next)
{
    /// <summary>The media types a JSON body may be sent as.</summary>
    public static readonly IReadOnlyList<string> JsonMediaTypes = ["application/json", "application/cloudevents+json"];

    /// <summary>Checks the request; answers with a problem, or passes it on with its body buffered.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var problem = Refusal(context) ?? await BodyRefusalAsync(context);
        if (problem is not null)
        {
            await problem.ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private static IResult? Refusal(HttpContext context)
    {
        var request = context.Request;
        if (request.Query.ContainsKey("key"))
        {
            return ApiProblems.Unauthorized(
                "Keys are not accepted in the URL (URLs end up in logs, browser history and Referer headers): send the key as Authorization: Bearer <key>.");
        }

        foreach (var (name, values) in request.Query)
        {
            if (Invalid(name) || values.Any(v => v is not null && Invalid(v)))
            {
                return ApiProblems.Invalid("invalid_parameter", $"?{(JsonTextScan.IsValidUtf16(name) ? name : "?")}",
                    "is not valid text or holds a control character");
            }
        }

        foreach (var (name, value) in request.RouteValues)
        {
            if (value is string text && Invalid(text))
            {
                return ApiProblems.Invalid("invalid_parameter", name, "is not valid text or holds a control character");
            }
        }

        return null;
    }

    private static async Task<IResult?> BodyRefusalAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IAcceptsMetadata>() is null)
        {
            return null;
        }

        if (!IsJson(context.Request.ContentType))
        {
            return ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", UnsupportedMediaType(context));
        }

        var limit = endpoint.Metadata.GetMetadata<BodyLimit>()?.MaxBytes
            ?? context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SiloOptions>>().Value.MaxAdminBodyBytes;
        // A declared length past the limit is refused before a byte is read; a body without one is read up to the limit only.
        var body = context.Request.ContentLength > limit ? null : await ReadAsync(context.Request.Body, limit, context.RequestAborted);
        if (body is null)
        {
            return ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The body is larger than {limit} bytes.");
        }

        if (JsonTextScan.Check(body.GetBuffer().AsSpan(0, (int)body.Length)) is { } finding)
        {
            return ApiProblems.Invalid(finding.Code, finding.Field, finding.Reason);
        }

        body.Position = 0;
        context.Request.Body = body;
        return null;
    }

    /// <summary>What a 415 says, also when routing refuses the content type before this middleware (an endpoint's accepts metadata).</summary>
    /// <remarks>Names the types this endpoint takes: every endpoint takes <c>application/json</c>; only a publish also takes CloudEvents.</remarks>
    public static string UnsupportedMediaType(HttpContext context)
    {
        // Routing refuses a content type before it picks an endpoint, so there may be no endpoint to ask: then the path says.
        var accepted = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes
                .Where(t => JsonMediaTypes.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList() is { Count: > 0 } types ? types
            : context.Request.Path.StartsWithSegments(Endpoints.EventEndpoints.Path) ? JsonMediaTypes
            : JsonMediaTypes.Take(1).ToList();
        return $"The body must be sent as {string.Join(" or ", accepted)} (optionally with charset=utf-8), not '{context.Request.ContentType}'.";
    }

    /// <summary>Whether a content type is one of <see cref="JsonMediaTypes"/> with at most a UTF-8 charset.</summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && JsonMediaTypes.Contains(media.MediaType.Value, StringComparer.OrdinalIgnoreCase)
        && media.Parameters.All(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)
                                     && (p.Value.Value?.Trim('"') ?? "").Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static bool Invalid(string text) => !JsonTextScan.IsValidUtf16(text) || text.Any(char.IsControl);

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is larger.</summary>
    private static async Task<MemoryStream?> ReadAsync(Stream body, int limit, CancellationToken cancellationToken)
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

        return buffer;
    }
}
