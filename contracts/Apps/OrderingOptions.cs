namespace ApexOrleans.Contracts.Apps;

/// <summary>How long an event may wait for its causal predecessor before the app's state flags it as overdue.</summary>
public sealed record OrderingOptions
{
    /// <summary>After this, a held event is shown as overdue (it stays held: it is applied if its predecessor comes).</summary>
    public TimeSpan HoldTimeout { get; init; } = TimeSpan.FromHours(1);
}
