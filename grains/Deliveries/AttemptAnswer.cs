using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// How one attempt came back: whether it succeeded, what the app did with it, why it failed, and for a remote app its
/// HTTP requests (two when the network duplicated it).
/// </summary>
public sealed record AttemptAnswer(bool Succeeded, ApplyStatus? Outcome, string? Error, IReadOnlyList<HttpExchange>? Http = null)
{
    /// <summary>The remote app's answer to the attempt's first request; null for a grain app, or an attempt never sent.</summary>
    public HttpExchange? Remote => Http is [var first, ..] ? first : null;

    /// <summary>Whether the remote app refused the delivery for good (a 4xx other than 408, 409 and 429).</summary>
    public bool Permanent => Remote?.Answer == RemoteAnswer.Permanent;

    /// <summary>Whether the request surely never reached the remote app: no connection carried it.</summary>
    public bool NeverReached => Remote?.Answer == RemoteAnswer.Refused;
}
