namespace ApexOrleans.Grains.Idempotency;

/// <summary>
/// Which life of the silo this is: a new id every start. A publish claimed by an earlier life and never completed
/// was cut short by a crash or a restart, so the next publish of that key resumes it at once.
/// </summary>
public sealed class SiloIncarnation
{
    /// <summary>This life's id.</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");
}
