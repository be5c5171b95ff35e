namespace ApexOrleans.Client.Experiments;

/// <summary>How a run ended (<see cref="ExperimentStatus"/>) and the sentence that says so.</summary>
internal sealed record ExperimentVerdict(string Status, string Text)
{
    /// <summary>Whether the hypothesis held.</summary>
    public bool Passed => Status == ExperimentStatus.Completed;

    /// <summary>
    /// The verdict on a run with these <paramref name="checks"/>: a safeguard's halt aborts it and any other halt
    /// interrupts it, whatever the checks say; otherwise the first broken check fails it.
    /// </summary>
    public static ExperimentVerdict Of(IReadOnlyList<ProbeCheck> checks, HaltRecord? halt, RecoveryRecord? recovery, TimeSpan rto, bool interrupted)
    {
        var failed = checks.FirstOrDefault(c => !c.Passed);
        var status = halt?.Source switch
        {
            { } source when source == HaltSource.Safeguard => ExperimentStatus.Aborted,
            not null => ExperimentStatus.Interrupted,
            null when failed is not null => ExperimentStatus.Failed,
            _ => ExperimentStatus.Completed,
        };
        var text = status switch
        {
            ExperimentStatus.Completed =>
                $"the hypothesis held: {checks.Count} checks passed" + (recovery is { Seconds: { } s } ? $"; recovered in {s:0.###} s (RTO {rto.TotalSeconds:0.###} s)" : ""),
            ExperimentStatus.Aborted => $"aborted by a safeguard: {halt!.Reason}; every fault reverted in {halt.TimeToRevertMs:0.#} ms",
            ExperimentStatus.Interrupted => $"interrupted by the kill switch ({halt!.Source}): every fault reverted in {halt.TimeToRevertMs:0.#} ms",
            _ => $"failed: {failed!.Label} was {ProbeFormat.Value(failed.Value)} in phase '{failed.Phase}', limit {failed.Limits}",
        };
        return new ExperimentVerdict(status, text + (interrupted ? "; tenants in flight were abandoned" : ""));
    }
}
