using ApexOrleans.Contracts.ChaosPolicy;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Timing;

namespace ApexOrleans.Grains.Tenancy;

/// <summary>Everything that is per tenant (per run): its clock, its chaos, its reliability options.</summary>
public sealed record TenantSettings
{
    /// <summary>The tenant's clock; null means the silo's own clock.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>The faults injected into this tenant's deliveries.</summary>
    public IChaosPolicy Chaos { get; init; } = NoChaos.Instance;

    /// <summary>Retries, backoff, timeouts, queueing.</summary>
    public DeliveryOptions Delivery { get; init; } = new();

    /// <summary>Circuit trip rule and breaks.</summary>
    public CircuitBreakerOptions Circuit { get; init; } = new();

    /// <summary>Receipt retention.</summary>
    public IdempotencyOptions Idempotency { get; init; } = new();

    /// <summary>Holds for causal order.</summary>
    public OrderingOptions Ordering { get; init; } = new();

    /// <summary>The settings of a tenant run with <paramref name="run"/>; <paramref name="wallClock"/> drives a real clock. Bad values throw <see cref="ArgumentException"/>.</summary>
    public static TenantSettings For(RunSettings run, TimeProvider wallClock)
    {
        run.Validate();
        return new TenantSettings
        {
            Clock = run.Clock == RunClock.Virtual ? new VirtualTimeProvider(run.ClockStart) : new ScaledTimeProvider(wallClock, run.ClockStart, run.TimeScale),
            Chaos = run.Chaos.InjectsNothing() ? NoChaos.Instance : new SeededChaosPolicy(run.Chaos),
            Delivery = run.Delivery,
            Circuit = run.Circuit,
        };
    }

    /// <summary>Checks every option and that receipts outlive every possible redelivery.</summary>
    public void Validate()
    {
        Delivery.Validate();
        Circuit.Validate();
        Idempotency.ValidateAgainst(Delivery);
    }
}
