namespace ApexOrleans.Contracts.Chaos;

/// <summary>The kinds of fault an experiment can switch on in a running silo (and switch off again at once).</summary>
public static class InjectedFaultKinds
{
    /// <summary>Every delivery attempt to <see cref="FaultRequest.App"/> fails as if the app were down.</summary>
    public const string AppOutage = "app-outage";

    /// <summary>Every delivery to <see cref="FaultRequest.App"/> (or to every app) is held back by <see cref="FaultRequest.DelayMs"/> first.</summary>
    public const string DeliveryDelay = "delivery-delay";

    /// <summary>Grain storage refuses every read and write: the silo's readiness goes down with it.</summary>
    public const string StorageOutage = "storage-outage";

    /// <summary>All kinds, for validation and help.</summary>
    public static readonly IReadOnlyList<string> All = [AppOutage, DeliveryDelay, StorageOutage];
}

/// <summary>A fault to switch on: its kind, the app it hits, the delay it adds, and the tenants it is confined to.</summary>
[GenerateSerializer, Immutable]
public sealed record FaultRequest
{
    /// <summary>One of <see cref="InjectedFaultKinds"/>.</summary>
    [Id(0)]
    public required string Kind { get; init; }

    /// <summary>The app it hits (an outage needs one; a delay without one hits every app).</summary>
    [Id(1)]
    public string? App { get; init; }

    /// <summary>A delay's length in milliseconds of the tenant's clock.</summary>
    [Id(2)]
    public double? DelayMs { get; init; }

    /// <summary>Only tenants whose id starts with this are hit (an experiment's own tenants); null hits every tenant. Storage outages hit the whole silo.</summary>
    [Id(3)]
    public string? TenantPrefix { get; init; }

    /// <summary>Who asked: an experiment run's id, shown with the fault and used to revert its faults together.</summary>
    [Id(4)]
    public string? Owner { get; init; }

    /// <summary>The longest delay a delivery-delay may inject: an hour (longer would outlive any experiment, and overflow time arithmetic).</summary>
    public const double MaxDelayMs = 3_600_000;

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (!InjectedFaultKinds.All.Contains(Kind))
        {
            throw new ArgumentException($"Unknown fault kind '{Kind}'; known: {string.Join(", ", InjectedFaultKinds.All)}.");
        }

        if (Kind == InjectedFaultKinds.AppOutage && string.IsNullOrWhiteSpace(App))
        {
            throw new ArgumentException("An app-outage needs the app it takes down.");
        }

        if (Kind == InjectedFaultKinds.DeliveryDelay && DelayMs is not (> 0 and <= MaxDelayMs))
        {
            throw new ArgumentException($"A delivery-delay needs a delay greater than 0 ms and at most {MaxDelayMs} ms (an hour).");
        }
    }
}

/// <summary>A fault switched on: its id, what was asked, and when (wall clock).</summary>
[GenerateSerializer, Immutable]
public sealed record InjectedFault(string Id, FaultRequest Request, DateTimeOffset InjectedAt);
