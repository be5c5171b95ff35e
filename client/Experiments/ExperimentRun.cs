using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Contracts.Apps;

namespace ApexOrleans.Client.Experiments;

/// <summary>
/// One experiment run, from its control day to its journal: the traffic started, the phases run in the order of
/// <see cref="ExperimentPhases"/>, every fault reverted whatever happened, then the tenants settled and scored.
/// </summary>
internal sealed class ExperimentRun(
    ExperimentDefinition definition, Scenario scenario, IMeshSession session, ExperimentRecords records, ExperimentOptions options,
    string runId, DateTimeOffset startedAt, IExperimentProgress progress, TimeProvider wallClock)
{
    private readonly long _started = wallClock.GetTimestamp();
    private readonly List<ProbeCheck> _checks = [];
    private readonly List<string> _notes = [];
    private RecoveryRecord? _recovery;

    // Long enough for a tenant started at the method's last moment to finish its day through the faults and the recovery.
    private TimeSpan SettleBudget => definition.Method.Duration + definition.Rto + TimeSpan.FromSeconds(60);

    /// <summary>Runs it; Ctrl-C (<paramref name="cancellationToken"/>) pulls the kill switch and abandons the tenants in flight.</summary>
    public async Task<ExperimentJournal> ExecuteAsync(CancellationToken cancellationToken)
    {
        var controlState = await ControlStateAsync(cancellationToken);
        var traffic = new ExperimentTraffic(session, scenario, TrafficSettings(), controlState, runId, definition.Method, SettleBudget, wallClock);
        var schedule = new FaultSchedule(definition.Method.Faults);
        var faults = new ExperimentFaults(schedule, session, traffic, runId, progress, wallClock);
        var killSwitch = new KillSwitch(faults, records, runId, progress, wallClock);
        var sampler = new ProbeSampler(definition, session, traffic, schedule, options, _started, progress, wallClock);
        var steadyState = new SteadyStateWatch(definition.SteadyState, sampler, killSwitch, options, progress, wallClock);
        var method = new MethodPhase(definition, faults, sampler, killSwitch, options, progress, wallClock);
        var recovery = new RecoveryPhase(definition, traffic, sampler, options, progress, wallClock);
        var phases = new Dictionary<ExperimentPhase, Func<CancellationToken, Task>>
        {
            [ExperimentPhase.Before] = async ct => _checks.AddRange(await steadyState.CheckAsync(ExperimentPhase.Before, ct)),
            [ExperimentPhase.Method] = async ct => _checks.AddRange(await method.RunAsync(ct)),
            [ExperimentPhase.Recovery] = async ct =>
            {
                (_recovery, var check) = await recovery.MeasureAsync(schedule.LastRevert!.Value, ct);
                _checks.Add(check);
            },
            [ExperimentPhase.After] = async ct => _checks.AddRange(await steadyState.CheckAsync(ExperimentPhase.After, ct)),
        };

        using var stopTraffic = new CancellationTokenSource();
        using var abandon = new CancellationTokenSource();
        progress.Phase($"traffic: {definition.Method.TenantsPerSecond:0.##} tenants/s, each a {scenario.Beats.Count}-beat day {definition.Method.BeatInterval.TotalMilliseconds:0} ms a beat");
        var generator = traffic.GenerateAsync(stopTraffic.Token, abandon.Token);
        var interrupted = false;
        try
        {
            for (var phase = ExperimentPhases.First; phase != ExperimentPhase.Settle;)
            {
                sampler.Phase = phase;
                await phases[phase](cancellationToken);
                var next = ExperimentPhases.Next(phase, new PhaseEnd(killSwitch.Halt is not null, _checks.All(c => c.Passed), schedule.LastRevert is not null));
                if (next.Note is { } note)
                {
                    _notes.Add(note);
                }

                phase = next.To;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
            await killSwitch.PullAsync(HaltSource.CtrlC, "interrupted from the terminal (Ctrl-C)", wallClock.GetUtcNow());
        }
        finally
        {
            await faults.RevertEverythingAsync(FaultSchedule.AtTheEnd); // nothing stays on, whatever happened
            await stopTraffic.CancelAsync();
            await generator;
        }

        sampler.Phase = ExperimentPhase.Settle;
        await SettleAsync(traffic, abandon, interrupted);
        var scores = traffic.Scores;
        _notes.AddRange(scores.Where(s => s.Error is not null).Take(20).Select(s => $"{s.Tenant} not scored: {s.Error}"));
        _notes.AddRange(scores.Where(s => s.Broken is { Count: > 0 }).Take(20).Select(s => $"{s.Tenant} failed {string.Join("; ", s.Broken!)}"));
        return Journal(traffic, schedule, killSwitch.Halt, sampler.Samples, interrupted);
    }

    /// <summary>Plays the scenario once with no faults on a virtual clock: the data every tenant of the traffic must end with.</summary>
    private async Task<string> ControlStateAsync(CancellationToken cancellationToken)
    {
        progress.Phase("control day (no faults, virtual clock): the data every tenant must end with");
        var control = await new TenantDay(session, wallClock).ReplayAsync(
            scenario, $"{runId}-ctl", ScenarioRunner.Settings(scenario, scenario.Chaos.Seed, RunClock.Virtual, 1.0, chaos: false), listed: false, progress: null, cancellationToken);
        var controlState = TenantStateReader.Canonical(await session.AppsAsync(control.Tenant, cancellationToken));
        await session.EndTenantAsync(control.Tenant, cancellationToken);
        return controlState;
    }

    private RunSettings TrafficSettings() => new()
    {
        Delivery = scenario.Delivery,
        Circuit = new CircuitBreakerOptions { BreakDuration = definition.Method.CircuitBreak, MaxBreakDuration = definition.Method.CircuitBreak * 4 },
        Clock = RunClock.Real,
        ClockStart = scenario.Beats[0].Time,
    };

    /// <summary>Waits for the tenants in flight and checks the end-of-run probes; an interrupted run abandons them unscored instead.</summary>
    private async Task SettleAsync(ExperimentTraffic traffic, CancellationTokenSource abandon, bool interrupted)
    {
        if (interrupted)
        {
            await abandon.CancelAsync();
            await traffic.DrainAsync(TimeSpan.FromSeconds(10));
            _notes.Add("interrupted from the terminal: tenants in flight were abandoned unscored; the end-of-run guarantees were not checked");
            return;
        }

        progress.Phase($"settling: waiting for {traffic.InFlight} tenant(s) in flight, then scoring every tenant");
        if (!await traffic.DrainAsync(SettleBudget))
        {
            _notes.Add($"{traffic.InFlight} tenant(s) had not settled within {SettleBudget.TotalSeconds:0} s; they count as failed tenants");
            await abandon.CancelAsync();
            await traffic.DrainAsync(TimeSpan.FromSeconds(10));
        }

        _checks.AddRange(definition.SteadyState.Probes.Where(p => !ProbeCatalog.IsLive(p))
            .Select(p => ProbeCheck.Of(ExperimentPhase.Settle.CheckName(), p, EndOfRunReading.Of(traffic).Value(p.Probe))));
    }

    private ExperimentJournal Journal(ExperimentTraffic traffic, FaultSchedule schedule, HaltRecord? halt, IReadOnlyList<ProbeSample> samples, bool interrupted)
    {
        var verdict = ExperimentVerdict.Of(_checks, halt, _recovery, definition.Rto, interrupted);
        return new ExperimentJournal
        {
            RunId = runId,
            ExperimentId = definition.Id,
            Title = definition.Title,
            Owner = definition.Owner,
            Hypothesis = definition.Hypothesis,
            ExpectedOutcome = definition.Expected.Outcome,
            Rollback = definition.Rollback,
            ExperimentFile = definition.SourcePath,
            ExperimentSha256 = definition.Sha256,
            Silo = session.Silo,
            Storage = session.Storage,
            StartedAt = startedAt,
            FinishedAt = wallClock.GetUtcNow(),
            Status = verdict.Status,
            Passed = verdict.Passed,
            Verdict = verdict.Text,
            Checks = _checks,
            Injections = schedule.Injections(),
            Halt = halt,
            Recovery = _recovery,
            Traffic = traffic.Record(),
            Samples = samples,
            Notes = _notes,
        };
    }
}
