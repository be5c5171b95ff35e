namespace ApexOrleans.Client.Experiments;

/// <summary>
/// The run's kill switch: pulled by <c>apex experiment halt</c>, the silo's API, a safeguard or Ctrl-C, it reverts every
/// fault at once and answers with the time that took, in the records folder and in the journal.
/// </summary>
internal sealed class KillSwitch(ExperimentFaults faults, ExperimentRecords records, string runId, IExperimentProgress progress, TimeProvider wallClock)
{
    /// <summary>The last pull, once it has been pulled.</summary>
    public HaltRecord? Halt { get; private set; }

    /// <summary>Pulls it when <c>apex experiment halt</c> left a request for this run; true when it did.</summary>
    public async Task<bool> AnswerHaltRequestAsync()
    {
        if (records.HaltRequested(runId) is not { } request)
        {
            return false;
        }

        await PullAsync(HaltSource.HaltCommand, request.Reason, request.RequestedAt);
        return true;
    }

    /// <summary>Every fault off at once; the time from <paramref name="requestedAt"/> until they were is the answer.</summary>
    public async Task PullAsync(HaltSource source, string reason, DateTimeOffset requestedAt)
    {
        await faults.RevertEverythingAsync(source.Name);
        var revertedAt = wallClock.GetUtcNow();
        Halt = new HaltRecord(source, reason, requestedAt, revertedAt, Math.Round(Math.Max(0, (revertedAt - requestedAt).TotalMilliseconds), 1));
        records.AcknowledgeHalt(runId, Halt);
        progress.Note($"kill switch ({source}): {reason}; every fault reverted {Halt.TimeToRevertMs:0.#} ms after it was asked");
    }
}
