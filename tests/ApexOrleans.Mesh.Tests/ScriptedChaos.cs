using ApexOrleans.Contracts.ChaosPolicy;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Mesh.Tests;

/// <summary>A chaos policy for tests: faults and delays chosen by functions of the attempt, with every decision counted.</summary>
internal sealed class ScriptedChaos(
    Func<DeliveryAttemptContext, FaultKind>? fault = null,
    Func<EventEnvelope, string, TimeSpan>? delay = null) : IChaosPolicy
{
    private readonly Dictionary<string, int> _decisions = [];

    /// <summary>How many attempts were decided for <paramref name="target"/> (an attempt the circuit stopped is never decided).</summary>
    public int DecisionsFor(string target)
    {
        lock (_decisions)
        {
            return _decisions.GetValueOrDefault(target);
        }
    }

    public TimeSpan DeliveryDelay(EventEnvelope envelope, string target, DeliveryRole role) => delay?.Invoke(envelope, target) ?? TimeSpan.Zero;

    public ChaosDecision DecideAttempt(DeliveryAttemptContext attempt)
    {
        lock (_decisions)
        {
            _decisions[attempt.Target] = _decisions.GetValueOrDefault(attempt.Target) + 1;
        }

        var kind = fault?.Invoke(attempt) ?? FaultKind.None;
        return kind == FaultKind.None ? ChaosDecision.None : new ChaosDecision(kind, "scripted by the test");
    }
}
