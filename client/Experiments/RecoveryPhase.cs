namespace ApexOrleans.Client.Experiments;

/// <summary>Recovery: from the last fault reverted until the steady state holds again and every tenant started by then has settled, against the RTO.</summary>
internal sealed class RecoveryPhase(
    ExperimentDefinition definition, ExperimentTraffic traffic, ProbeSampler sampler, ExperimentOptions options, IExperimentProgress progress, TimeProvider wallClock)
{
    /// <summary>Measures recovery from <paramref name="revertedAt"/>; gives up at twice the RTO and 10 s more, so a run that never recovers still ends.</summary>
    public async Task<(RecoveryRecord Record, ProbeCheck Check)> MeasureAsync(DateTimeOffset revertedAt, CancellationToken cancellationToken)
    {
        var waitingFor = traffic.Unsettled.ToHashSet();
        var limit = definition.Rto * 2 + TimeSpan.FromSeconds(10);
        progress.Phase($"recovery: waiting for the steady state and {waitingFor.Count} tenant(s) to settle (RTO {definition.Rto.TotalSeconds:0.#} s)");
        var live = definition.SteadyState.Probes.Where(ProbeCatalog.IsLive).ToList();
        DateTimeOffset? recoveredAt = null;
        var detail = "";
        while (wallClock.GetUtcNow() - revertedAt < limit)
        {
            var window = await sampler.SampleAsync(cancellationToken);
            var broken = live.Select(p => (Probe: p, Value: ProbeReading.Value(p, window))).Where(t => !t.Probe.Holds(t.Value)).ToList();
            var unsettled = waitingFor.Intersect(traffic.Unsettled).Count();
            if (broken.Count == 0 && unsettled == 0)
            {
                recoveredAt = window[^1].At;
                break;
            }

            detail = string.Join("; ", broken.Select(b => $"{b.Probe.Label} = {ProbeFormat.Value(b.Value)}").Append($"{unsettled} tenant(s) not settled"));
            await Task.Delay(options.SampleInterval, wallClock, cancellationToken);
        }

        var measured = Measured(revertedAt, recoveredAt, definition.Rto, limit, detail);
        progress.Note(measured.Record.Detail);
        return measured;
    }

    /// <summary>The record and the check of a recovery that came at <paramref name="recoveredAt"/> (null: not within <paramref name="limit"/>, still broken as <paramref name="detail"/> says).</summary>
    public static (RecoveryRecord Record, ProbeCheck Check) Measured(DateTimeOffset revertedAt, DateTimeOffset? recoveredAt, TimeSpan rto, TimeSpan limit, string detail)
    {
        var seconds = recoveredAt is { } at ? Math.Round((at - revertedAt).TotalSeconds, 3) : (double?)null;
        var within = seconds is { } s && s <= rto.TotalSeconds;
        var text = seconds is { } r
            ? $"recovered {r:0.###} s after the last fault was reverted (RTO {rto.TotalSeconds:0.###} s)"
            : $"not recovered {limit.TotalSeconds:0} s after the last fault was reverted: {detail}";
        return (new RecoveryRecord(revertedAt, recoveredAt, seconds, rto.TotalSeconds, within, text),
            new ProbeCheck(ExperimentPhase.Recovery.CheckName(), "recovery-time", "recovery-time", $"≤ {rto.TotalSeconds:0.###} s (RTO)", seconds, within, text));
    }
}
