namespace ApexOrleans.Contracts.Envelope;

/// <summary>Why a publish was refused (bad envelope, unroutable event, idempotency key misuse): a stable code for clients and a sentence naming the field and the problem.</summary>
public sealed record PublishRejection(string Code, string Field, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Field}: {Reason}";
}

/// <summary>Thrown when a publish is refused; nothing was stored.</summary>
public sealed class PublishRejectedException(PublishRejection rejection) : Exception(rejection.ToString())
{
    /// <summary>What was wrong.</summary>
    public PublishRejection Rejection { get; } = rejection;
}
