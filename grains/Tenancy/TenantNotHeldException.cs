namespace ApexOrleans.Grains.Tenancy;

/// <summary>
/// A run configured the tenant on a silo that is gone (or restarted): its grains were taken up elsewhere, but its clock and
/// timeline were not. The runner creates the run again with resume, which wakes its durable queues, outboxes and holds.
/// </summary>
public sealed class TenantNotHeldException(string tenant)
    : Exception($"Tenant '{tenant}' was configured on a silo that is gone; its runner takes it up again (configure, then resume).")
{
    /// <summary>The tenant.</summary>
    public string Tenant { get; } = tenant;
}
