
namespace ApexOrleans.Silo.Security;

/// <summary>Reads keys from requests and guards endpoint groups that need the admin key.</summary>
public static class ApiKeyAuthentication
{
    /// <summary>The key of a request: <c>Authorization: Bearer KEY</c> only (a key in the URL is refused at the edge).</summary>
    public static string? KeyOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <summary>An endpoint filter that answers 401 unless the request carries the admin key.</summary>
    public static RouteGroupBuilder RequireAdminKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRing>();
            return keys.IsAdmin(KeyOf(context.HttpContext.Request))
                ? await next(context)
                : ApiProblems.Unauthorized("This endpoint needs the admin key: Authorization: Bearer <key>.");
        });
        return group;
    }
}
