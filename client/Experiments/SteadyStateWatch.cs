namespace ApexOrleans.Client.Experiments;

/// <summary>The steady state checked before the method and again after recovery: its live probes watched over its window.</summary>
internal sealed class SteadyStateWatch(
    SteadyState steadyState, ProbeSampler sampler, KillSwitch killSwitch, ExperimentOptions options, IExperimentProgress progress, TimeProvider wallClock)
{
    /// <summary>Watches the window in <paramref name="phase"/> (before or after) and checks every live probe of the steady state over it.</summary>
    public async Task<IReadOnlyList<ProbeCheck>> CheckAsync(ExperimentPhase phase, CancellationToken cancellationToken)
    {
        progress.Phase($"steady state {phase.Name()}: watching {steadyState.Window.TotalSeconds:0.#} s");
        var readings = await WatchAsync(cancellationToken);
        return steadyState.Probes.Where(ProbeCatalog.IsLive).Select(p => ProbeCheck.Of(phase.CheckName(), p, ProbeReading.Value(p, readings))).ToList();
    }

    // A halt request is answered at once, so that whoever pulled the switch hears back, but the watch still runs its
    // whole window: the steady state is measured either way.
    private async Task<IReadOnlyList<ProbeReading>> WatchAsync(CancellationToken cancellationToken)
    {
        var first = sampler.ReadingCount;
        var started = wallClock.GetTimestamp();
        await sampler.SampleAsync(cancellationToken);
        while (wallClock.GetElapsedTime(started) < steadyState.Window)
        {
            await Task.Delay(options.SampleInterval, wallClock, cancellationToken);
            await sampler.SampleAsync(cancellationToken);
            if (killSwitch.Halt is null)
            {
                await killSwitch.AnswerHaltRequestAsync();
            }
        }

        return sampler.ReadingsFrom(first);
    }
}
