using Orleans.Concurrency;

namespace ApexOrleans.Contracts.Tenancy;

/// <summary>
/// A tenant as the cluster knows it (key: the tenant id): the run's settings, kept durably, and the door to its clock
/// and timeline, which live in the memory of the silo that hosts the tenant's grains.
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>
    /// Configures the tenant for a run and keeps its settings. False when a run already configured it on the silo that
    /// hosts it (the configuration stays as it was); <see cref="ArgumentException"/> for settings that do not hold.
    /// </summary>
    Task<bool> ConfigureAsync(RunSettings settings);

    /// <summary>After a silo restart: takes up how far the run had come (its last sequence) and wakes its durable queues, outboxes and holds.</summary>
    [ResponseTimeout("00:30:00")]
    Task ResumeAsync(long sequence);

    /// <summary>Whether a run configured this tenant again after its silo was lost and has not resumed it yet.</summary>
    [AlwaysInterleave]
    Task<bool> AwaitsResumeAsync();

    /// <summary>Whether a run configured this tenant.</summary>
    [AlwaysInterleave]
    Task<bool> IsConfiguredAsync();

    /// <summary>Brings the tenant into the memory of the silo that hosts it, from its kept settings (its grains call this when they activate first).</summary>
    [AlwaysInterleave]
    Task AttachAsync();

    /// <summary>The tenant's clock now. <see cref="TenantNotHeldException"/>: a run configured it on a silo that is gone.</summary>
    [AlwaysInterleave]
    Task<DateTimeOffset> NowAsync();

    /// <summary>
    /// Virtual clock: runs the tenant's work due up to <paramref name="until"/> and moves the clock there. Real clock: nothing.
    /// Returns the clock. <see cref="TenantNotHeldException"/>: a run configured it on a silo that is gone.
    /// </summary>
    [ResponseTimeout("00:30:00")]
    Task<DateTimeOffset> AdvanceAsync(DateTimeOffset until);

    /// <summary>
    /// Returns when nothing is left to do before <paramref name="limit"/> (virtual clock: by running it all). Returns the
    /// clock. <see cref="TenantNotHeldException"/>: a run configured it on a silo that is gone.
    /// </summary>
    [ResponseTimeout("00:30:00")]
    Task<DateTimeOffset> SettleAsync(DateTimeOffset limit);

    /// <summary>
    /// Forgets a finished tenant: its grains leave memory, its timeline stops, its settings are dropped (its data stays).
    /// False when it was not configured; <see cref="InvalidOperationException"/> while work is scheduled or running.
    /// </summary>
    Task<bool> RetireAsync();
}
