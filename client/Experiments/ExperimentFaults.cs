using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Chaos;

namespace ApexOrleans.Client.Experiments;

/// <summary>
/// Switches the method's faults on and off where they act: in the silo through the session, or in the experiment's own
/// traffic (a burst, a key replay); each switch is recorded on the <see cref="FaultSchedule"/> and reported.
/// </summary>
internal sealed class ExperimentFaults(
    FaultSchedule schedule, IMeshSession session, ExperimentTraffic traffic, string runId, IExperimentProgress progress, TimeProvider wallClock)
{
    /// <summary>The faults and where each stands.</summary>
    public FaultSchedule Schedule => schedule;

    /// <summary>Switches on the faults whose start has come by <paramref name="elapsed"/> into the method, and off those whose time is up.</summary>
    public async Task FollowScheduleAsync(TimeSpan elapsed, CancellationToken cancellationToken)
    {
        foreach (var fault in schedule.DueAt(elapsed))
        {
            if (fault.State == FaultState.Waiting)
            {
                await InjectAsync(fault, cancellationToken);
            }
            else
            {
                await RevertAsync(fault, FaultSchedule.BySchedule);
            }
        }
    }

    /// <summary>Every fault of this run off at once, in the traffic and in the silo; <paramref name="by"/> is what the journal says switched them off.</summary>
    public async Task RevertEverythingAsync(string by)
    {
        traffic.RateFactor = 1;
        traffic.ReplayKeys = false;
        // One call by owner rather than fault by fault: all go off at once, even one whose injection was cancelled before its id came back.
        await session.RevertFaultsAsync(runId, CancellationToken.None);
        schedule.AllOff(by, wallClock.GetUtcNow());
    }

    private async Task InjectAsync(ScheduledFault fault, CancellationToken cancellationToken)
    {
        var step = fault.Step;
        string? siloFaultId = null;
        switch (step.Kind)
        {
            case ExperimentFaultKinds.Burst:
                traffic.RateFactor = step.Factor!.Value;
                break;
            case ExperimentFaultKinds.KeyReplay:
                traffic.ReplayKeys = true;
                break;
            default:
                // Scoped to this run's tenants and owned by the run, so that other tenants of a shared silo are untouched.
                var injected = await session.InjectFaultAsync(new FaultRequest
                {
                    Kind = step.Kind, App = step.App, DelayMs = step.DelayMs, TenantPrefix = $"{runId}-", Owner = runId,
                }, cancellationToken);
                siloFaultId = injected.Id;
                break;
        }

        fault.SwitchedOn(siloFaultId, wallClock.GetUtcNow());
        progress.Note($"on: {step.Describe()}{(siloFaultId is { } id ? $" ({id})" : "")}");
    }

    private async Task RevertAsync(ScheduledFault fault, string by)
    {
        switch (fault.Step.Kind)
        {
            case ExperimentFaultKinds.Burst:
                traffic.RateFactor = 1;
                break;
            case ExperimentFaultKinds.KeyReplay:
                traffic.ReplayKeys = false;
                break;
            default:
                // Not cancellable: a fault once on must go off even while the run is being stopped.
                await session.RevertFaultAsync(fault.SiloFaultId!, CancellationToken.None);
                break;
        }

        fault.SwitchedOff(by, wallClock.GetUtcNow());
        progress.Note($"off: {fault.Step.Describe()} ({by})");
    }
}
