using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Tenancy;
using Microsoft.AspNetCore.Diagnostics;

namespace ApexOrleans.Silo.Hosting;

/// <summary>Turns exceptions into problem details without internals: 503 while the silo is stopping or storage is down, 500 otherwise.</summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException { InnerException: System.Text.Json.JsonException { Path: { } path } } && IsBadRequest(exception))
        {
            // A body of valid JSON text (the edge checked that) whose values do not fit the endpoint's type.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await ApiProblems.Invalid("invalid_field", path, "does not have the type or value this endpoint takes").ExecuteAsync(context);
            return true;
        }

        var (status, code, detail) = exception.Cause() switch
        {
            SiloUnavailableException or OrleansMessageRejectionException => (StatusCodes.Status503ServiceUnavailable, "silo_unavailable", "The silo is starting or stopping; retry shortly."),
            System.Data.Common.DbException or System.Net.Sockets.SocketException or InjectedStorageOutageException =>
                (StatusCodes.Status503ServiceUnavailable, "storage_unavailable", "The silo's storage does not answer; nothing half-done was kept. Retry shortly."),
            BadHttpRequestException bad => (bad.StatusCode, "bad_request", "The request could not be read."),
            TenantNotHeldException lost => (StatusCodes.Status404NotFound, "run_not_found", lost.Message),
            TimeoutException => (StatusCodes.Status503ServiceUnavailable, "timeout", "The mesh did not answer in time; retry shortly."),
            _ => (StatusCodes.Status500InternalServerError, "internal_error", "Something failed inside the silo; it is logged. Nothing half-done was kept."),
        };
        if (status >= 500)
        {
            logger.LogError(exception, "Request {Method} {Path} failed.", context.Request.Method, context.Request.Path);
        }

        context.Response.StatusCode = status;
        await ApiProblems.Problem(status, code, detail).ExecuteAsync(context);
        return true;
    }

    private static bool IsBadRequest(Exception exception) => exception is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest };
}
