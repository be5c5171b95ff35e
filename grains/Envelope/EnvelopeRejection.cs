namespace ApexOrleans.Grains.Envelope;

/// <summary>Why an envelope was refused: a stable code for clients and a sentence naming the field and the problem.</summary>
public sealed record EnvelopeRejection(string Code, string Field, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Field}: {Reason}";
}

/// <summary>Thrown when an envelope or a publish is refused; nothing was stored.</summary>
public sealed class EnvelopeRejectedException(EnvelopeRejection rejection) : Exception(rejection.ToString())
{
    /// <summary>What was wrong.</summary>
    public EnvelopeRejection Rejection { get; } = rejection;
}
