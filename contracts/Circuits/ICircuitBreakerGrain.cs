
namespace ApexOrleans.Contracts.Circuits;

/// <summary>The circuit breaker of one delivery target (key <c>{tenant}/{targetApp}</c>).</summary>
public interface ICircuitBreakerGrain : IGrainWithStringKey
{
    /// <summary>Whether a call to the target may go now; an open circuit answers no with when to try again.</summary>
    Task<CircuitPermit> TryAcquireAsync(DateTimeOffset now, string eventId);

    /// <summary>Reports the outcome of a call that was allowed; answers the transitions it made (stored before the answer), none if it did not move the circuit.</summary>
    Task<IReadOnlyList<CircuitTransition>> RecordAsync(DateTimeOffset now, string eventId, bool succeeded, string? cause);

    /// <summary>
    /// Forgets the failures counted since the circuit's last write: its queue lost its records of them (a crash, a reload),
    /// and an opening must be borne out by records the queue holds.
    /// </summary>
    Task ForgetUnstoredFailuresAsync();

    /// <summary>The state and every transition.</summary>
    Task<CircuitSnapshot> GetAsync();
}
