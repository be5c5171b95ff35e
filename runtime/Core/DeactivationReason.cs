namespace ApexOrleans.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReasonCode
{
    /// <summary>The activation was idle for longer than its collection age.</summary>
    ActivationIdle,

    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    ApplicationRequested,

    /// <summary>The silo is stopping.</summary>
    ShuttingDown,
}

/// <summary>The reason passed to <see cref="Grain.OnDeactivateAsync"/>.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode Code, string Description);
