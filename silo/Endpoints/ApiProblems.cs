using ApexOrleans.Contracts.Envelope;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApexOrleans.Silo;

/// <summary>Problem-details answers: each names the problem (a code, the field) and never carries a stack trace.</summary>
public static class ApiProblems
{
    /// <summary>The HTTP status for a refused publish.</summary>
    public static int StatusOf(PublishRejection rejection) => rejection.Code switch
    {
        "malformed_json" or "malformed_envelope" or "missing_field" or "invalid_field" or "invalid_event_type" or "invalid_payload"
            or "invalid_target" or "invalid_id" or "invalid_time" or "invalid_sequence" or "unsupported_specversion" or "invalid_source"
            or "source_mismatch" => StatusCodes.Status400BadRequest,
        "idempotency_conflict" or "idempotency_in_progress" => StatusCodes.Status409Conflict,
        "idempotency_key_expired" => StatusCodes.Status410Gone,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    /// <summary>A refused publish.</summary>
    public static ProblemHttpResult Rejected(PublishRejection rejection) => Problem(StatusOf(rejection), rejection.Code,
        $"{rejection.Field}: {rejection.Reason}", new Dictionary<string, object?> { ["code"] = rejection.Code, ["field"] = rejection.Field });

    /// <summary>401: no key, or a key that is not valid here.</summary>
    public static ProblemHttpResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "unauthorized", detail);

    /// <summary>403: a valid key that may not do this.</summary>
    public static ProblemHttpResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "forbidden", detail);

    /// <summary>404 for a named thing.</summary>
    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "not_found", detail);

    /// <summary>400 for a request that is not what the endpoint takes.</summary>
    public static ProblemHttpResult BadRequest(string code, string detail) => Problem(StatusCodes.Status400BadRequest, code, detail);

    /// <summary>400 for one field (a body's JSON path, a route or query value) that is not what the endpoint takes.</summary>
    public static ProblemHttpResult Invalid(string code, string field, string reason) => Problem(StatusCodes.Status400BadRequest, code,
        $"{field}: {reason}", new Dictionary<string, object?> { ["code"] = code, ["field"] = field });

    /// <summary>A problem with a title made from its code.</summary>
    public static ProblemHttpResult Problem(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        extensions ??= new Dictionary<string, object?> { ["code"] = code };
        return TypedResults.Problem(detail: detail, statusCode: status, title: code.Replace('_', ' '), type: $"https://apex.local/problems/{code}", extensions: extensions);
    }
}
