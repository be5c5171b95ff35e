using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
namespace ApexOrleans.Contracts.ChaosPolicy;

/// <summary>The fault (if any) injected into one delivery attempt, and why.</summary>
public readonly record struct ChaosDecision(FaultKind Fault, string Reason)
{
    /// <summary>No fault.</summary>
    public static ChaosDecision None { get; } = new(FaultKind.None, "");
}

/// <summary>What a chaos policy is asked about: one attempt of one event to one target.</summary>
public readonly record struct DeliveryAttemptContext(
    EventEnvelope Envelope, string Target, DeliveryRole Role, int Attempt, long CurrentSequence);
