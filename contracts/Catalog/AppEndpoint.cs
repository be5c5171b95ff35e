namespace ApexOrleans.Contracts.Catalog;

/// <summary>
/// The rule for a remote app's endpoint: an absolute <c>http</c> or <c>https</c> URL with no user info or fragment. Only
/// configuration names one (the catalog, <c>--app-endpoint</c>, the silo's settings); nothing in an event ever does.
/// </summary>
public static class AppEndpoint
{
    /// <summary>What is wrong with <paramref name="text"/> as an endpoint, or null when it is one.</summary>
    public static string? Problem(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            // Not echoed whole: a mistyped URL may still carry a password or a token.
            return $"'{(text.Length > 12 ? text[..12] + "…" : text)}' is not an absolute http or https URL";
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            // Not echoed: user info may be a password.
            return $"an endpoint ({uri.Scheme}://{uri.Host}:{uri.Port}{uri.AbsolutePath}) must not carry user info or a fragment; a secret goes in the webhook secret, never in the URL";
        }

        return null;
    }

    /// <summary>The endpoint <paramref name="text"/> names, or null with <paramref name="problem"/> saying why not.</summary>
    public static Uri? TryParse(string text, out string? problem)
    {
        problem = Problem(text);
        return problem is null ? new Uri(text, UriKind.Absolute) : null;
    }
}
