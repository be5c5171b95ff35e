using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Client.Running;

/// <summary>
/// What the runner needs from a silo: start a tenant for a run, publish, move the run's clock, and read the
/// data back. An embedded silo implements it in-process; a remote silo over HTTP.
/// </summary>
public interface IMeshSession : IAppRecords, IAsyncDisposable
{
    /// <summary>Where the silo runs, for the manifest: "embedded" or its URL.</summary>
    string Silo { get; }

    /// <summary>The storage behind the silo: memory, sqlite or postgres.</summary>
    string Storage { get; }

    /// <summary>Configures a fresh tenant for a run; <paramref name="listed"/> false keeps it off the silo's run list (a load's tenants).</summary>
    Task StartTenantAsync(string tenant, RunSettings settings, bool listed, CancellationToken cancellationToken);

    /// <summary>Retires a finished tenant, so its settings and timeline leave the silo's memory; its data stays in storage.</summary>
    Task EndTenantAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>The silo's activations, pending deliveries, tenants and process memory now.</summary>
    Task<MeshStats> StatsAsync(CancellationToken cancellationToken);

    /// <summary>Publishes an event for the tenant.</summary>
    Task<PublishReceipt> PublishAsync(string tenant, EventEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>The tenant's clock.</summary>
    Task<DateTimeOffset> NowAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>Runs the tenant's work up to <paramref name="until"/> (virtual clock), or waits for its clock to get there (real clock).</summary>
    Task AdvanceAsync(string tenant, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Runs until no work is left, at most until <paramref name="limit"/> on the tenant's clock.</summary>
    Task SettleAsync(string tenant, DateTimeOffset limit, CancellationToken cancellationToken);

    /// <summary>Every target's circuit.</summary>
    Task<IReadOnlyDictionary<string, CircuitSnapshot>> CircuitsAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>The spans the silos kept of the tenant's traces; null from a silo that keeps none (one from before traces).</summary>
    Task<TenantTraces?> TracesAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>Every target's delivery queue with its history.</summary>
    Task<IReadOnlyDictionary<string, DeliveryQueueSnapshot>> QueuesAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>The record of one idempotency key, or null.</summary>
    Task<IdempotencyState?> IdempotencyAsync(string tenant, string sourceApp, string key, CancellationToken cancellationToken);

    /// <summary>Switches a fault on in the silo (an experiment's injection).</summary>
    Task<InjectedFault> InjectFaultAsync(FaultRequest request, CancellationToken cancellationToken);

    /// <summary>Switches one fault off; false when it was not on.</summary>
    Task<bool> RevertFaultAsync(string id, CancellationToken cancellationToken);

    /// <summary>The kill switch: switches off every fault of <paramref name="owner"/> (every fault when null) and returns them. Never waits for storage.</summary>
    Task<IReadOnlyList<InjectedFault>> RevertFaultsAsync(string? owner, CancellationToken cancellationToken);

    /// <summary>Whether the silo is ready: its storage answers.</summary>
    Task<bool> ReadyAsync(CancellationToken cancellationToken);

    /// <summary>Leaves an experiment run's record (with its journal) with the silo, for its dashboard.</summary>
    Task RecordExperimentAsync(System.Text.Json.JsonElement record, CancellationToken cancellationToken);

    /// <summary>Leaves the run's scorecard with the silo, for its dashboard.</summary>
    Task ReportAsync(string tenant, System.Text.Json.JsonElement scorecard, CancellationToken cancellationToken);
}
