namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>Where OTLP goes: an endpoint given, else the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, else nowhere (off by default).</summary>
public static class OtlpEndpoint
{
    /// <summary>The standard variable naming an OTLP collector.</summary>
    public const string Variable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// The collector to send to: <paramref name="endpoint"/> when given, else <see cref="Variable"/>, else none. A value that is
    /// no absolute http(s) URL throws <see cref="ArgumentException"/>.
    /// </summary>
    public static Uri? Resolve(string? endpoint)
    {
        var text = endpoint is { Length: > 0 } ? endpoint : Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"OTLP endpoint '{text}' is not an absolute http(s) URL, such as http://127.0.0.1:4317.");
    }
}
