namespace ApexOrleans.Client.Experiments;

/// <summary>
/// The method: the faults on and off on their schedule while the probes are sampled. What is expected must hold while
/// a fault is on; a halt request, a fault switched off at the silo or a safeguard that breaks stops it at once.
/// </summary>
internal sealed class MethodPhase(
    ExperimentDefinition definition, ExperimentFaults faults, ProbeSampler sampler, KillSwitch killSwitch, ExperimentOptions options,
    IExperimentProgress progress, TimeProvider wallClock)
{
    // Between samples the schedule and halt requests are still looked at this often, so a fault goes on, off or is
    // halted within this of its time.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private static readonly string During = ExperimentPhase.Method.CheckName();

    /// <summary>Runs the method to its end or until it is stopped; returns its checks (the expected probes, and the safeguards).</summary>
    public async Task<IReadOnlyList<ProbeCheck>> RunAsync(CancellationToken cancellationToken)
    {
        var schedule = faults.Schedule;
        progress.Phase($"method: {definition.Method.Duration.TotalSeconds:0.#} s; " +
            string.Join("; ", schedule.Faults.Select(f => $"{f.Step.Describe()} at {f.Step.At.TotalSeconds:0.#} s for {f.Step.For.TotalSeconds:0.#} s")));
        var checks = new List<ProbeCheck>();
        var expected = definition.Expected.Probes.Select(p => new ProbeExpectation(p)).ToList();
        var started = wallClock.GetTimestamp();
        var nextSample = TimeSpan.Zero;
        while (true)
        {
            var elapsed = wallClock.GetElapsedTime(started);
            if (await killSwitch.AnswerHaltRequestAsync())
            {
                break;
            }

            await faults.FollowScheduleAsync(elapsed, cancellationToken);
            if (schedule.IsOver(elapsed, definition.Method.Duration))
            {
                break;
            }

            if (elapsed >= nextSample)
            {
                nextSample = elapsed + options.SampleInterval;
                var window = await sampler.SampleAsync(cancellationToken);
                if (await StoppedAsync(window, checks))
                {
                    break;
                }

                // Expectations are about the faults: samples with none on say nothing about them.
                if (schedule.AnyOn)
                {
                    foreach (var expectation in expected)
                    {
                        expectation.Observe(ProbeReading.Value(expectation.Probe, window), sampler.Seconds(), progress);
                    }
                }
            }

            await Task.Delay(Tick, wallClock, cancellationToken);
        }

        checks.AddRange(expected.Select(e => e.Result()));
        if (definition.Safeguards.Count > 0 && killSwitch.Halt?.Source != HaltSource.Safeguard)
        {
            checks.Add(new ProbeCheck(During, "safeguards", "safeguards", "none trips", null, true,
                $"none of {string.Join(", ", definition.Safeguards.Select(s => $"{s.Label} {s.Limits}"))} tripped"));
        }

        return checks;
    }

    /// <summary>Pulls the kill switch when the silo's own switch took a fault of the run off, or a safeguard broke on <paramref name="window"/>; true when it did.</summary>
    private async Task<bool> StoppedAsync(IReadOnlyList<ProbeReading> window, List<ProbeCheck> checks)
    {
        if (faults.Schedule.SwitchedOffAtSilo(window[^1].Stats.Faults.Select(f => f.Id)) is { } gone)
        {
            await killSwitch.PullAsync(HaltSource.SiloApi, $"fault {gone.SiloFaultId} was switched off at the silo (its kill switch: DELETE /api/v1/faults)", wallClock.GetUtcNow());
            return true;
        }

        if (definition.Safeguards.Select(p => (Probe: p, Value: ProbeReading.Value(p, window))).FirstOrDefault(t => !t.Probe.Holds(t.Value)) is { Probe: not null } tripped)
        {
            checks.Add(ProbeCheck.Of(During, tripped.Probe, tripped.Value, "safeguard tripped: the method was aborted"));
            await killSwitch.PullAsync(HaltSource.Safeguard, $"{tripped.Probe.Label} = {ProbeFormat.Value(tripped.Value)} broke its limit {tripped.Probe.Limits}", wallClock.GetUtcNow());
            return true;
        }

        return false;
    }
}
