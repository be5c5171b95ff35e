using System.Text.Json.Serialization;

namespace ApexOrleans.Contracts.Deliveries;

/// <summary>
/// One HTTP request of an attempt to a remote app, as it went: the status (none when no answer came), how long it took on
/// the wall clock, the SHA-256 of the answer's body as read (at most <see cref="MaxBody"/> bytes), and why it failed if it
/// did; the body itself only for a permanent refusal, which is dead-lettered with it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record HttpExchange(
    int? Status, [property: JsonPropertyName("wallMs")] double WallMilliseconds, string? BodySha256, string? Error = null, string? Body = null,
    double? RetryAfterSeconds = null)
{
    /// <summary>The most of an answer's body that is read.</summary>
    public const int MaxBody = 64 * 1024;

    /// <summary>The error of an exchange that no connection carried: the receiver refused it, so it never reached the app.</summary>
    public const string ConnectionRefused = "connection refused";

    /// <summary>What the answer means for the delivery.</summary>
    [JsonIgnore]
    public RemoteAnswer Answer => Status switch
    {
        null => Error?.StartsWith(ConnectionRefused, StringComparison.Ordinal) == true ? RemoteAnswer.Refused : RemoteAnswer.NoAnswer,
        >= 200 and < 300 => RemoteAnswer.Taken,
        409 => RemoteAnswer.Duplicate,
        429 or 503 => RemoteAnswer.Unavailable,
        408 or >= 500 => RemoteAnswer.Failed,
        _ => RemoteAnswer.Permanent,
    };
}

/// <summary>What a remote app's answer to one request means.</summary>
public enum RemoteAnswer
{
    /// <summary>2xx: the app took the delivery (applied it, or holds it for its predecessor).</summary>
    Taken,

    /// <summary>409: the app had it already.</summary>
    Duplicate,

    /// <summary>No connection carried it (refused, or not opened within the connect timeout): it surely never reached the app.</summary>
    Refused,

    /// <summary>
    /// 429 or 503: the app says it is down or busy. It counts toward the circuit and marks an outage in the evidence, but
    /// does not prove the request was not taken (a proxy answers 503 when the app behind it died mid-request).
    /// </summary>
    Unavailable,

    /// <summary>408 or another 5xx: it failed, and the app may or may not have taken it; it counts toward the circuit.</summary>
    Failed,

    /// <summary>No answer within the read timeout (or the connection broke): the app may have taken it.</summary>
    NoAnswer,

    /// <summary>Another 4xx: the app will never take it; dead-lettered with the body, never retried.</summary>
    Permanent,
}
