using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Grains.Tenancy;

/// <summary>
/// A grain of one tenant, keyed <c>{tenant}/{name}</c> (<see cref="MeshKeys"/>): it takes its tenant up when it activates,
/// since its tenant's grains may have moved here from a silo that left, and looks the tenant up on every use.
/// </summary>
public abstract class TenantScopedGrain(MeshTenants tenants) : Grain
{
    /// <summary>The tenant's id.</summary>
    protected string TenantId { get; private set; } = null!;

    /// <summary>The key's part after the tenant: an app, a target, a source app and idempotency key.</summary>
    protected string Name { get; private set; } = null!;

    /// <summary>The tenant, looked up on every use: a resumed run may replace a tenant created with defaults after a restart.</summary>
    protected Tenant CurrentTenant => tenants.Get(TenantId);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (TenantId, Name) = MeshKeys.Split(this.GetPrimaryKeyString());
        await tenants.TakeUpAsync(TenantId);
    }
}
