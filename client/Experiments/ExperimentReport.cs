namespace ApexOrleans.Client.Experiments;

/// <summary>One experiment's runs over a period: how they ended, and recovery against the RTO.</summary>
public sealed record ExperimentSummary(
    string ExperimentId, string Title, int Runs, int Completed, int Failed, int Aborted, int Interrupted,
    int RecoveriesMeasured, int WithinRto, double? RecoveryMedianSeconds, double? RecoveryMaxSeconds, double? RtoSeconds,
    double? MaxTimeToRevertMs, string LastStatus);

/// <summary>What <c>apex experiment report</c> prints: the runs started in [From, To), by status and per experiment.</summary>
public sealed record ExperimentReport(DateTimeOffset From, DateTimeOffset To, int Runs, int Passed, IReadOnlyDictionary<string, int> ByStatus, IReadOnlyList<ExperimentSummary> Experiments)
{
    /// <summary>Summarises the <paramref name="journals"/> that started in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static ExperimentReport Over(IEnumerable<ExperimentJournal> journals, DateTimeOffset from, DateTimeOffset to)
    {
        var runs = journals.Where(j => j.StartedAt >= from && j.StartedAt < to).ToList();
        var byStatus = new[] { ExperimentStatus.Completed, ExperimentStatus.Failed, ExperimentStatus.Aborted, ExperimentStatus.Interrupted }
            .ToDictionary(s => s, s => runs.Count(j => j.Status == s));
        var experiments = runs.GroupBy(j => j.ExperimentId).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var newestFirst = g.OrderByDescending(j => j.StartedAt).ToList();
            var recoveries = g.Where(j => j.Recovery is not null).Select(j => j.Recovery!).ToList();
            var seconds = recoveries.Where(r => r.Seconds is not null).Select(r => r.Seconds!.Value).Order().ToList();
            var halts = g.Where(j => j.Halt is not null).Select(j => j.Halt!.TimeToRevertMs).ToList();
            return new ExperimentSummary(
                g.Key, newestFirst[0].Title, g.Count(),
                g.Count(j => j.Status == ExperimentStatus.Completed), g.Count(j => j.Status == ExperimentStatus.Failed),
                g.Count(j => j.Status == ExperimentStatus.Aborted), g.Count(j => j.Status == ExperimentStatus.Interrupted),
                recoveries.Count, recoveries.Count(r => r.WithinRto),
                seconds.Count == 0 ? null : Median(seconds), seconds.Count == 0 ? null : seconds[^1],
                recoveries.Count == 0 ? null : newestFirst.First(j => j.Recovery is not null).Recovery!.RtoSeconds,
                halts.Count == 0 ? null : halts.Max(), newestFirst[0].Status);
        }).ToList();
        return new ExperimentReport(from, to, runs.Count, runs.Count(j => j.Passed), byStatus, experiments);
    }

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
