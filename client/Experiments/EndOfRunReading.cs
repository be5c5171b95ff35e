namespace ApexOrleans.Client.Experiments;

/// <summary>What the traffic ended as: every tenant's score, the traffic's figures and the tenants still in flight, from which end-of-run probes are read.</summary>
internal sealed record EndOfRunReading(IReadOnlyList<TenantScore> Scores, TrafficRecord Traffic, int InFlight)
{
    /// <summary>The traffic as it stands now.</summary>
    public static EndOfRunReading Of(ExperimentTraffic traffic) => new(traffic.Scores, traffic.Record(), traffic.InFlight);

    /// <summary>The value of end-of-run probe <paramref name="probe"/>.</summary>
    public double Value(string probe) => probe switch
    {
        ProbeCatalog.DuplicateEffects => Scores.Sum(s => s.DuplicateEffects),
        ProbeCatalog.LostEvents => Scores.Sum(s => s.LostDeliveries),
        ProbeCatalog.FailedOver => Scores.Sum(s => s.FailedOver),
        ProbeCatalog.StateDivergence => Scores.Count(s => s.DivergedFromControl),
        ProbeCatalog.FailedTenants => Scores.Count(s => !s.Passed) + InFlight, // not settled by the end: failed, never silently dropped
        ProbeCatalog.DroppedTenants => Traffic.TenantsSkipped,
        ProbeCatalog.ReplaysExecuted => Traffic.ReplaysExecuted,
        ProbeCatalog.ReplaysRefused => Traffic.ReplaysRefused,
        _ => throw new ArgumentException($"'{probe}' is not an end-of-run probe."),
    };
}
