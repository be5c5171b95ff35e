
namespace ApexOrleans.Contracts.Chaos;

/// <summary>What can go wrong with one delivery attempt.</summary>
[GenerateSerializer]
public enum FaultKind
{
    /// <summary>Nothing: the attempt reaches the target and its answer comes back.</summary>
    None,

    /// <summary>The target receives the delivery twice.</summary>
    Duplicate,

    /// <summary>The attempt hangs past its timeout; it never reached the target.</summary>
    Timeout,

    /// <summary>The network fails before the target is reached.</summary>
    NetworkFailure,

    /// <summary>The target fails with a server error before committing anything.</summary>
    ServerError,

    /// <summary>The target commits the effect, then the answer is lost: the case that breaks naive retries.</summary>
    ResponseLost,

    /// <summary>The target app is down for a window of sequence numbers.</summary>
    Outage,
}
