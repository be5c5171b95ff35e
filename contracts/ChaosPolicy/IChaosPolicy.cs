using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
namespace ApexOrleans.Contracts.ChaosPolicy;

/// <summary>
/// Decides the faults injected between delivery and the target app grain. Implementations must be pure
/// functions of their inputs (seed, event, target, attempt, kind) so the same run gives the same faults.
/// </summary>
public interface IChaosPolicy
{
    /// <summary>How long the delivery of <paramref name="envelope"/> to <paramref name="target"/> is held back (out of order).</summary>
    TimeSpan DeliveryDelay(EventEnvelope envelope, string target, DeliveryRole role);

    /// <summary>The fault for one attempt.</summary>
    ChaosDecision DecideAttempt(DeliveryAttemptContext attempt);
}

/// <summary>The policy of a calm network: no delay, no fault.</summary>
public sealed class NoChaos : IChaosPolicy
{
    /// <summary>The one instance.</summary>
    public static NoChaos Instance { get; } = new();

    /// <inheritdoc />
    public TimeSpan DeliveryDelay(EventEnvelope envelope, string target, DeliveryRole role) => TimeSpan.Zero;

    /// <inheritdoc />
    public ChaosDecision DecideAttempt(DeliveryAttemptContext attempt) => ChaosDecision.None;
}
