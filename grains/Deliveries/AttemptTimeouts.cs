using System.Runtime.CompilerServices;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Grains.Tenancy;
using Polly;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// The Polly pipelines that end a hung delivery attempt, built once per tenant and shared by its queues. A pipeline holds
/// only its clock and timeout, so sharing is safe; building one per queue activation validated its options by
/// reflection, and a tenant's day activates a dozen queues.
/// </summary>
public sealed class AttemptTimeouts
{
    // Keyed by the tenant object, not its id: a resumed run may replace a tenant (and its clock) under the same id.
    private readonly ConditionalWeakTable<Tenant, Pipelines> _byTenant = [];

    /// <summary>The pipeline for an attempt from the queue (<see cref="DeliveryOptions.AttemptTimeout"/>), or for one made inside its enqueue (<see cref="DeliveryOptions.AtOnceAttemptLimit"/>).</summary>
    public ResiliencePipeline For(Tenant tenant, bool atOnce)
    {
        var pipelines = _byTenant.GetValue(tenant, Build);
        return atOnce ? pipelines.AtOnce : pipelines.Queued;
    }

    /// <summary>On a virtual clock timeouts are injected by the chaos filter instead, at no wall-clock cost.</summary>
    private static Pipelines Build(Tenant tenant) => tenant.Timeline.IsVirtual
        ? new Pipelines(ResiliencePipeline.Empty, ResiliencePipeline.Empty)
        : new Pipelines(Timeout(tenant, tenant.Settings.Delivery.AttemptTimeout), Timeout(tenant, tenant.Settings.Delivery.AtOnceAttemptLimit));

    private static ResiliencePipeline Timeout(Tenant tenant, TimeSpan timeout) =>
        new ResiliencePipelineBuilder { TimeProvider = tenant.Clock }.AddTimeout(timeout).Build();

    private sealed record Pipelines(ResiliencePipeline Queued, ResiliencePipeline AtOnce);
}
