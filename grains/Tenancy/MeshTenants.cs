using System.Collections.Concurrent;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using Microsoft.Extensions.Logging;

namespace ApexOrleans.Grains.Tenancy;

/// <summary>
/// The tenants a silo serves. A tenant that was never configured gets the defaults on the silo's clock;
/// a run configures its own tenant (virtual clock, seeded chaos) before publishing.
/// </summary>
public sealed class MeshTenants(TimeProvider siloClock, ILoggerFactory loggers, IGrainFactory grains, AppCatalog catalog) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Tenant> _tenants = new();
    private readonly ILogger _logger = loggers.CreateLogger<TenantTimeline>();
    private readonly Lock _creating = new(); // a tenant's timeline is created once: it may own a background loop

    /// <summary>The tenant <paramref name="id"/>, created with default settings if it was never configured.</summary>
    public Tenant Get(string id)
    {
        if (_tenants.TryGetValue(id, out var tenant))
        {
            return tenant;
        }

        lock (_creating)
        {
            return _tenants.TryGetValue(id, out tenant) ? tenant : _tenants[id] = Create(id, new TenantSettings(), configured: false);
        }
    }

    /// <summary>
    /// Makes sure this silo holds the tenant before one of its grains uses it: a tenant configured on a silo that left is
    /// taken up from its <see cref="ITenantGrain"/>, which the tenant placement puts on this silo too.
    /// </summary>
    public async Task TakeUpAsync(string id)
    {
        if (!_tenants.ContainsKey(id))
        {
            await grains.GetGrain<ITenantGrain>(id).AttachAsync();
        }
    }

    /// <summary>
    /// Holds <paramref name="id"/> with <paramref name="settings"/> if this silo does not hold it yet, as not configured: a
    /// run's own create replaces it. Returns the tenant this silo holds.
    /// </summary>
    public Tenant TakeUp(string id, TenantSettings settings)
    {
        settings.Validate();
        lock (_creating)
        {
            return _tenants.TryGetValue(id, out var tenant) ? tenant : _tenants[id] = Create(id, settings, configured: false);
        }
    }

    /// <summary>All tenants known to this silo.</summary>
    public IReadOnlyCollection<Tenant> All => _tenants.Values.ToList();

    /// <summary>Whether the tenant has no work scheduled or running (a tenant this silo does not know has none).</summary>
    public bool IsSettled(string id) => !_tenants.TryGetValue(id, out var tenant) || tenant.Timeline.IsIdle;

    /// <summary>How many tenants this silo knows now.</summary>
    public int Count => _tenants.Count;

    /// <summary>The tenant <paramref name="id"/> if this silo knows it, without creating it.</summary>
    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Tenant? tenant) => _tenants.TryGetValue(id, out tenant);

    /// <summary>
    /// Forgets a finished tenant: its idle activations are deactivated at once, its timeline stops and its settings
    /// leave memory (its grains' state stays in storage). A load retires each tenant after reading its evidence, so
    /// thousands of tenants do not pile up in the silo: neither their settings nor their grains, whose heap would
    /// otherwise make every garbage collection slower until idle collection came round. A tenant with work still
    /// scheduled or running is refused (<see cref="InvalidOperationException"/>): its work would otherwise bring it
    /// back with default settings. Returns false when the tenant is unknown.
    /// </summary>
    public async Task<bool> RetireAsync(string id)
    {
        if (!_tenants.TryGetValue(id, out var retired))
        {
            return false;
        }

        EnsureIdle(retired);
        // While the tenant is still known: a grain that looks its tenant up while deactivating must not recreate it. Its
        // grains are its apps' (app, queue, circuit) and its keys': looked up by key, since walking every activation
        // for each retired tenant grows with the tenants squared.
        await DeactivateAsync(id, retired).ConfigureAwait(false);
        lock (_creating)
        {
            if (!_tenants.TryGetValue(id, out var current) || current != retired)
            {
                return false; // retired or replaced meanwhile
            }

            EnsureIdle(retired);
            _tenants.TryRemove(id, out _);
        }

        await retired.Timeline.DisposeAsync().ConfigureAwait(false);
        return true;
    }

    private async Task DeactivateAsync(string id, Tenant retired)
    {
        var apps = catalog.Apps.Keys.Select(app => MeshKeys.For(id, app)).ToList();
        var ids = apps.SelectMany(key => new[]
            {
                grains.GetGrain<IAppGrain>(key).GetGrainId(),
                grains.GetGrain<IDeliveryGrain>(key).GetGrainId(),
                grains.GetGrain<ICircuitBreakerGrain>(key).GetGrainId(),
            })
            .Concat(retired.KeysUsed.Select(key => grains.GetGrain<IIdempotencyGrain>(MeshKeys.For(id, key)).GetGrainId()));
        var management = grains.GetGrain<IManagementGrain>(0);
        await Task.WhenAll(ids.Select(grain => management.DeactivateGrain(grain))).ConfigureAwait(false);
    }

    private static void EnsureIdle(Tenant tenant)
    {
        if (!tenant.Timeline.IsIdle)
        {
            throw new InvalidOperationException($"Tenant '{tenant.Id}' still has work scheduled or running; settle it before retiring it.");
        }
    }

    /// <summary>
    /// Configures a tenant; refuses one a run already configured, so a run cannot change another's rules. A tenant
    /// that was only created with defaults when first touched (a read after a restart, before its run resumed) is
    /// replaced; its grains look their tenant up on every call, so they follow.
    /// </summary>
    public Tenant Configure(string id, TenantSettings settings)
    {
        settings.Validate();
        Tenant? replaced;
        Tenant configured;
        lock (_creating)
        {
            if (_tenants.TryGetValue(id, out replaced) && replaced.Configured)
            {
                throw new InvalidOperationException($"Tenant '{id}' is already in use on this silo; a run uses a fresh tenant id.");
            }

            configured = _tenants[id] = Create(id, settings, configured: true);
        }

        if (replaced is not null)
        {
            _ = replaced.Timeline.DisposeAsync();
        }

        return configured;
    }

    /// <summary>Whether a run configured <paramref name="id"/> on this silo.</summary>
    public bool IsConfigured(string id) => _tenants.TryGetValue(id, out var tenant) && tenant.Configured;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var tenant in _tenants.Values)
        {
            await tenant.Timeline.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Tenant Create(string id, TenantSettings settings, bool configured)
    {
        MeshKeys.For(id, "probe"); // validates the id
        return new Tenant(id, settings, new TenantTimeline(id, settings.Clock ?? siloClock, _logger), configured);
    }
}
