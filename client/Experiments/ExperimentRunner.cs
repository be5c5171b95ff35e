using ApexOrleans.Grains.Configuration;
using System.Globalization;
using System.Text.Json;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Circuits;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Storage;
using ApexOrleans.Storage.Hosting;

namespace ApexOrleans.Client.Experiments;

/// <summary>The result of an experiment run: its journal and where it is stored.</summary>
public sealed record ExperimentOutcome(string JournalPath, ExperimentJournal Journal);

/// <summary>
/// <c>apex experiment run</c>: drives traffic at a silo, checks the steady state, injects the experiment's faults on
/// their schedule while watching the probes, reverts every fault at once when a safeguard trips or the kill switch
/// is pulled, measures recovery against the RTO, checks the steady state again and every tenant's guarantees, and
/// stores the journal. Bad input throws before anything runs or is written.
/// </summary>
public sealed class ExperimentRunner(IExperimentProgress progress, TimeProvider wallClock)
{
    /// <summary>Runs the experiment of <paramref name="options"/>. Ctrl-C (<paramref name="cancellationToken"/>) is a kill switch: faults are reverted and the journal says interrupted.</summary>
    public async Task<ExperimentOutcome> RunAsync(ExperimentOptions options, CancellationToken cancellationToken = default)
    {
        var (definition, scenario) = ExperimentLoader.Prepare(options.ExperimentPath, options.CatalogPath);
        OutputFolder.CheckWritable(options.RecordsFolder, "--records");
        OutputFolder.CheckDatabase(options.Silo, options.Storage, options.Database);
        var records = new ExperimentRecords(options.RecordsFolder);

        progress.Phase($"{definition.Id}: {definition.Title} (owner {definition.Owner})");
        progress.Phase($"starting the silo ({(options.Silo == "embedded" ? $"embedded, {options.Storage}" : options.Silo)})");
        await using IMeshSession session = options.Silo == "embedded"
            ? await EmbeddedMeshSession.StartAsync(
                GrainStorageChoice.Named(options.Storage, options.Database, Path.Combine(options.RecordsFolder, "apex-experiments.db")), options.CatalogPath, cancellationToken)
            : await HttpMeshSession.ConnectAsync(options.Silo, options.KeysFile, cancellationToken);
        var startedAt = wallClock.GetUtcNow();
        var runId = $"{definition.Id.ToLowerInvariant()}-{startedAt:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..4]}";
        records.MarkRunning(new RunningExperiment(runId, definition.Id, Environment.ProcessId, session.Silo, startedAt));
        ExperimentJournal journal;
        try
        {
            var run = new ExperimentRun(definition, scenario, session, records, options, runId, startedAt, progress, wallClock);
            journal = await run.ExecuteAsync(cancellationToken);
        }
        finally
        {
            records.MarkFinished(runId);
        }

        var path = records.Save(journal);
        try
        {
            await session.RecordExperimentAsync(JsonSerializer.SerializeToElement(new
            {
                journal.RunId, journal.ExperimentId, journal.Title, journal.Owner, journal.StartedAt, journal.Status, journal.Passed, journal.Verdict,
                RecoverySeconds = journal.Recovery?.Seconds, RtoSeconds = definition.Rto.TotalSeconds,
                Journal = JsonSerializer.SerializeToElement(journal, BundleJson.Options),
            }, BundleJson.Options), CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            progress.Noted($"the silo did not take the record ({e.Message}); the journal file is the record");
        }

        progress.Finished(journal, path);
        return new ExperimentOutcome(path, journal);
    }

    /// <summary>One run's state as it goes: the traffic, the readings, the checks, the injections and how it was stopped.</summary>
    private sealed class ExperimentRun(
        ExperimentDefinition definition, Scenario scenario, IMeshSession session, ExperimentRecords records, ExperimentOptions options,
        string runId, DateTimeOffset startedAt, IExperimentProgress progress, TimeProvider wallClock)
    {
        private readonly List<ProbeReading> _readings = [];
        private readonly List<ProbeSample> _samples = [];
        private readonly List<ProbeCheck> _checks = [];
        private readonly List<string> _notes = [];
        private readonly List<StepState> _steps = definition.Method.Faults.Select(f => new StepState(f)).ToList();
        private readonly long _started = wallClock.GetTimestamp();
        private ExperimentTraffic _traffic = null!;
        private HaltRecord? _halt;
        private DateTimeOffset? _lastRevert;
        private string _phase = "setup";

        private TimeSpan SettleBudget => definition.Method.Duration + definition.Rto + TimeSpan.FromSeconds(60);

        private IEnumerable<ProbeTolerance> LiveProbes => definition.SteadyState.Probes.Where(IsLive).Concat(definition.Expected.Probes).Concat(definition.Safeguards);

        public async Task<ExperimentJournal> ExecuteAsync(CancellationToken cancellationToken)
        {
            progress.Phase("control day (no faults, virtual clock): the data every tenant must end with");
            var control = await new TenantDay(session, wallClock).ReplayAsync(
                scenario, $"{runId}-ctl", ScenarioRunner.Settings(scenario, scenario.Chaos.Seed, RunClock.Virtual, 1.0, chaos: false), listed: false, progress: null, cancellationToken);
            var controlState = TenantStateReader.Canonical(await session.AppsAsync(control.Tenant, cancellationToken));
            await session.EndTenantAsync(control.Tenant, cancellationToken);

            var settings = new RunSettings
            {
                Delivery = scenario.Chaos.ToDeliveryOptions(),
                Circuit = new CircuitBreakerOptions { BreakDuration = definition.Method.CircuitBreak, MaxBreakDuration = definition.Method.CircuitBreak * 4 },
                Clock = RunClock.Real,
                ClockStart = scenario.Beats[0].Time,
            };
            _traffic = new ExperimentTraffic(session, scenario, settings, controlState, runId, definition.Method, SettleBudget, wallClock);
            using var stopTraffic = new CancellationTokenSource();
            using var abandon = new CancellationTokenSource();
            progress.Phase($"traffic: {definition.Method.TenantsPerSecond:0.##} tenants/s, each a {scenario.Beats.Count}-beat day {definition.Method.BeatInterval.TotalMilliseconds:0} ms a beat");
            var generator = _traffic.GenerateAsync(stopTraffic.Token, abandon.Token);
            var interrupted = false;
            try
            {
                _phase = "before";
                progress.Phase($"steady state before: watching {definition.SteadyState.Window.TotalSeconds:0.#} s");
                var before = await WatchAsync(definition.SteadyState.Window, cancellationToken);
                _checks.AddRange(definition.SteadyState.Probes.Where(IsLive).Select(p => Check("before", p, ProbeReading.Value(p, before))));
                if (_halt is null && _checks.All(c => c.Passed))
                {
                    _phase = "method";
                    progress.Phase($"method: {definition.Method.Duration.TotalSeconds:0.#} s; {string.Join("; ", _steps.Select(s => $"{s.Step.Describe()} at {s.Step.At.TotalSeconds:0.#} s for {s.Step.For.TotalSeconds:0.#} s"))}");
                    await MethodAsync(cancellationToken);
                }
                else if (_halt is null)
                {
                    _notes.Add("the steady state did not hold before the method: no fault was injected");
                }

                if (_lastRevert is not null)
                {
                    _phase = "recovery";
                    await RecoveryAsync(cancellationToken);
                }

                _phase = "after";
                progress.Phase($"steady state after: watching {definition.SteadyState.Window.TotalSeconds:0.#} s");
                var after = await WatchAsync(definition.SteadyState.Window, cancellationToken);
                _checks.AddRange(definition.SteadyState.Probes.Where(IsLive).Select(p => Check("after", p, ProbeReading.Value(p, after))));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                await HaltAsync(HaltSource.CtrlC, "interrupted from the terminal (Ctrl-C)", wallClock.GetUtcNow());
            }
            finally
            {
                await RevertEverythingAsync("end of the experiment"); // nothing stays on, whatever happened
                await stopTraffic.CancelAsync();
                await generator;
            }

            _phase = "settle";
            if (interrupted)
            {
                await abandon.CancelAsync();
                await _traffic.DrainAsync(TimeSpan.FromSeconds(10));
                _notes.Add("interrupted from the terminal: tenants in flight were abandoned unscored; the end-of-run guarantees were not checked");
            }
            else
            {
                progress.Phase($"settling: waiting for {_traffic.InFlight} tenant(s) in flight, then scoring every tenant");
                if (!await _traffic.DrainAsync(SettleBudget))
                {
                    _notes.Add($"{_traffic.InFlight} tenant(s) had not settled within {SettleBudget.TotalSeconds:0} s; they count as failed tenants");
                    await abandon.CancelAsync();
                    await _traffic.DrainAsync(TimeSpan.FromSeconds(10));
                }

                _checks.AddRange(definition.SteadyState.Probes.Where(p => !IsLive(p)).Select(p => Check("end", p, EndOfRunReading.Of(_traffic).Value(p.Probe))));
            }

            var scores = _traffic.Scores;
            _notes.AddRange(scores.Where(s => s.Error is not null).Take(20).Select(s => $"{s.Tenant} not scored: {s.Error}"));
            _notes.AddRange(scores.Where(s => s.Broken is { Count: > 0 }).Take(20).Select(s => $"{s.Tenant} failed {string.Join("; ", s.Broken!)}"));
            return Journal(interrupted);
        }

        /// <summary>Runs the method: faults on and off on their schedule, probes sampled, safeguards and the kill switch watched.</summary>
        private async Task MethodAsync(CancellationToken cancellationToken)
        {
            var methodStarted = wallClock.GetTimestamp();
            var expected = definition.Expected.Probes.Select(p => new ExpectationState(p)).ToList();
            var nextSample = TimeSpan.Zero;
            while (true)
            {
                var elapsed = wallClock.GetElapsedTime(methodStarted);
                if (records.HaltRequested(runId) is { } halt)
                {
                    await HaltAsync(HaltSource.HaltCommand, halt.Reason, halt.RequestedAt);
                    break;
                }

                foreach (var state in _steps)
                {
                    if (state.Phase == StepPhase.Waiting && elapsed >= state.Step.At)
                    {
                        await InjectAsync(state, cancellationToken);
                    }
                    else if (state.Phase == StepPhase.On && elapsed >= state.Step.At + state.Step.For)
                    {
                        await RevertAsync(state, "schedule");
                    }
                }

                if (elapsed >= definition.Method.Duration && _steps.All(s => s.Phase == StepPhase.Done))
                {
                    break;
                }

                if (elapsed >= nextSample)
                {
                    nextSample = elapsed + options.SampleInterval;
                    var window = await SampleAsync(cancellationToken);
                    if (_steps.FirstOrDefault(s => s.Phase == StepPhase.On && s.SiloFaultId is { } id && !window[^1].Stats.Faults.Any(f => f.Id == id)) is { } gone)
                    {
                        await HaltAsync(HaltSource.SiloApi, $"fault {gone.SiloFaultId} was switched off at the silo (its kill switch: DELETE /api/v1/faults)", wallClock.GetUtcNow());
                        break;
                    }

                    if (definition.Safeguards.Select(p => (Probe: p, Value: ProbeReading.Value(p, window))).FirstOrDefault(t => !t.Probe.Holds(t.Value)) is { Probe: not null } tripped)
                    {
                        _checks.Add(Check("during", tripped.Probe, tripped.Value, "safeguard tripped: the method was aborted"));
                        await HaltAsync(HaltSource.Safeguard, $"{tripped.Probe.Label} = {Format(tripped.Value)} broke its limit {tripped.Probe.Limits}", wallClock.GetUtcNow());
                        break;
                    }

                    if (_steps.Any(s => s.Phase == StepPhase.On))
                    {
                        foreach (var expectation in expected)
                        {
                            expectation.Observe(ProbeReading.Value(expectation.Probe, window), Seconds(), progress);
                        }
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), wallClock, cancellationToken);
            }

            foreach (var expectation in expected)
            {
                _checks.Add(expectation.Result());
            }

            if (definition.Safeguards.Count > 0 && _halt?.Source != HaltSource.Safeguard)
            {
                _checks.Add(new ProbeCheck("during", "safeguards", "safeguards", "none trips", null, true,
                    $"none of {string.Join(", ", definition.Safeguards.Select(s => $"{s.Label} {s.Limits}"))} tripped"));
            }
        }

        /// <summary>Measures recovery: from the last revert until the steady state holds again and every tenant started by then has settled.</summary>
        private async Task RecoveryAsync(CancellationToken cancellationToken)
        {
            var revertedAt = _lastRevert!.Value;
            var waitingFor = _traffic.Unsettled.ToHashSet();
            var limit = definition.Rto * 2 + TimeSpan.FromSeconds(10);
            progress.Phase($"recovery: waiting for the steady state and {waitingFor.Count} tenant(s) to settle (RTO {definition.Rto.TotalSeconds:0.#} s)");
            var live = definition.SteadyState.Probes.Where(IsLive).ToList();
            DateTimeOffset? recoveredAt = null;
            var detail = "";
            while (wallClock.GetUtcNow() - revertedAt < limit)
            {
                var window = await SampleAsync(cancellationToken);
                var broken = live.Select(p => (Probe: p, Value: ProbeReading.Value(p, window))).Where(t => !t.Probe.Holds(t.Value)).ToList();
                var unsettled = waitingFor.Intersect(_traffic.Unsettled).Count();
                if (broken.Count == 0 && unsettled == 0)
                {
                    recoveredAt = window[^1].At;
                    break;
                }

                detail = string.Join("; ", broken.Select(b => $"{b.Probe.Label} = {Format(b.Value)}").Append($"{unsettled} tenant(s) not settled"));
                await Task.Delay(options.SampleInterval, wallClock, cancellationToken);
            }

            var seconds = recoveredAt is { } at ? Math.Round((at - revertedAt).TotalSeconds, 3) : (double?)null;
            var within = seconds is { } s && s <= definition.Rto.TotalSeconds;
            var text = seconds is { } r
                ? $"recovered {r:0.###} s after the last fault was reverted (RTO {definition.Rto.TotalSeconds:0.###} s)"
                : $"not recovered {limit.TotalSeconds:0} s after the last fault was reverted: {detail}";
            _recovery = new RecoveryRecord(revertedAt, recoveredAt, seconds, definition.Rto.TotalSeconds, within, text);
            _checks.Add(new ProbeCheck("recovery", "recovery-time", "recovery-time", $"≤ {definition.Rto.TotalSeconds:0.###} s (RTO)", seconds, within, text));
            progress.Noted(text);
        }

        private RecoveryRecord? _recovery;

        /// <summary>Watches for <paramref name="window"/>, sampling; returns the readings taken (the kill switch is honoured: before the method it only ends the watch).</summary>
        private async Task<IReadOnlyList<ProbeReading>> WatchAsync(TimeSpan window, CancellationToken cancellationToken)
        {
            var first = _readings.Count;
            var started = wallClock.GetTimestamp();
            await SampleAsync(cancellationToken);
            while (wallClock.GetElapsedTime(started) < window)
            {
                await Task.Delay(options.SampleInterval, wallClock, cancellationToken);
                await SampleAsync(cancellationToken);
                if (_halt is null && records.HaltRequested(runId) is { } halt)
                {
                    await HaltAsync(HaltSource.HaltCommand, halt.Reason, halt.RequestedAt);
                }
            }

            return _readings.Skip(first).ToList();
        }

        /// <summary>Takes a reading, records the sample, and returns the readings of the last rate window (oldest first).</summary>
        private async Task<IReadOnlyList<ProbeReading>> SampleAsync(CancellationToken cancellationToken)
        {
            var stats = await session.StatsAsync(cancellationToken);
            var ready = await session.ReadyAsync(cancellationToken);
            var reading = new ProbeReading(wallClock.GetUtcNow(), stats, ready, _traffic.CallsTried, _traffic.CallFailures);
            _readings.Add(reading);
            var window = _readings.Where(r => r.At >= reading.At - options.RateWindow).ToList();
            var values = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var probe in LiveProbes)
            {
                values[probe.Label] = ProbeReading.Value(probe, window);
            }

            var sample = new ProbeSample(Seconds(), _phase, values, _steps.Where(s => s.Phase == StepPhase.On).Select(s => s.Step.Describe()).ToList());
            _samples.Add(sample);
            progress.Sampled(sample, _traffic.InFlight);
            return window;
        }

        private async Task InjectAsync(StepState state, CancellationToken cancellationToken)
        {
            var step = state.Step;
            switch (step.Kind)
            {
                case ExperimentFaultKinds.Burst:
                    _traffic.RateFactor = step.Factor!.Value;
                    break;
                case ExperimentFaultKinds.KeyReplay:
                    _traffic.ReplayKeys = true;
                    break;
                default:
                    var fault = await session.InjectFaultAsync(new FaultRequest
                    {
                        Kind = step.Kind, App = step.App, DelayMs = step.DelayMs, TenantPrefix = $"{runId}-", Owner = runId,
                    }, cancellationToken);
                    state.SiloFaultId = fault.Id;
                    break;
            }

            state.Phase = StepPhase.On;
            state.InjectedAt = wallClock.GetUtcNow();
            progress.Noted($"on: {step.Describe()}{(state.SiloFaultId is { } id ? $" ({id})" : "")}");
        }

        private async Task RevertAsync(StepState state, string by)
        {
            switch (state.Step.Kind)
            {
                case ExperimentFaultKinds.Burst:
                    _traffic.RateFactor = 1;
                    break;
                case ExperimentFaultKinds.KeyReplay:
                    _traffic.ReplayKeys = false;
                    break;
                default:
                    await session.RevertFaultAsync(state.SiloFaultId!, CancellationToken.None);
                    break;
            }

            state.Phase = StepPhase.Done;
            state.RevertedAt = _lastRevert = wallClock.GetUtcNow();
            state.RevertedBy = by;
            progress.Noted($"off: {state.Step.Describe()} ({by})");
        }

        /// <summary>The kill switch: every fault of this run off at once (silo and traffic), the time it took recorded.</summary>
        private async Task HaltAsync(HaltSource source, string reason, DateTimeOffset requestedAt)
        {
            await RevertEverythingAsync(source.Name);
            var revertedAt = wallClock.GetUtcNow();
            _halt = new HaltRecord(source, reason, requestedAt, revertedAt, Math.Round(Math.Max(0, (revertedAt - requestedAt).TotalMilliseconds), 1));
            records.AcknowledgeHalt(runId, _halt);
            progress.Noted($"kill switch ({source}): {reason}; every fault reverted {_halt.TimeToRevertMs:0.#} ms after it was asked");
        }

        private async Task RevertEverythingAsync(string by)
        {
            _traffic.RateFactor = 1;
            _traffic.ReplayKeys = false;
            await session.RevertFaultsAsync(runId, CancellationToken.None);
            foreach (var state in _steps)
            {
                if (state.Phase == StepPhase.On)
                {
                    state.Phase = StepPhase.Done;
                    state.RevertedAt = _lastRevert = wallClock.GetUtcNow();
                    state.RevertedBy = by;
                }
                else if (state.Phase == StepPhase.Waiting)
                {
                    state.Phase = StepPhase.Done;
                    state.RevertedBy = "never injected";
                }
            }
        }

        private ExperimentJournal Journal(bool interrupted)
        {
            var failed = _checks.FirstOrDefault(c => !c.Passed);
            var status = _halt?.Source switch
            {
                { } source when source == HaltSource.Safeguard => ExperimentStatus.Aborted,
                not null => ExperimentStatus.Interrupted,
                null when failed is not null => ExperimentStatus.Failed,
                _ => ExperimentStatus.Completed,
            };
            var verdict = status switch
            {
                ExperimentStatus.Completed =>
                    $"the hypothesis held: {_checks.Count} checks passed" + (_recovery is { Seconds: { } s } ? $"; recovered in {s:0.###} s (RTO {definition.Rto.TotalSeconds:0.###} s)" : ""),
                ExperimentStatus.Aborted => $"aborted by a safeguard: {_halt!.Reason}; every fault reverted in {_halt.TimeToRevertMs:0.#} ms",
                ExperimentStatus.Interrupted => $"interrupted by the kill switch ({_halt!.Source}): every fault reverted in {_halt.TimeToRevertMs:0.#} ms",
                _ => $"failed: {failed!.Label} was {Format(failed.Value)} in phase '{failed.Phase}', limit {failed.Limits}",
            };
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
                Status = status,
                Passed = status == ExperimentStatus.Completed,
                Verdict = verdict + (interrupted ? "; tenants in flight were abandoned" : ""),
                Checks = _checks,
                Injections = _steps.Select(s => new InjectionRecord(s.Step.Kind, s.Step.Describe(), s.SiloFaultId, s.InjectedAt, s.RevertedAt, s.RevertedBy ?? "never injected")).ToList(),
                Halt = _halt,
                Recovery = _recovery,
                Traffic = _traffic.Record(),
                Samples = _samples,
                Notes = _notes,
            };
        }

        private ProbeCheck Check(string phase, ProbeTolerance probe, double value, string? detail = null) =>
            new(phase, probe.Probe, probe.Label, probe.Limits, value, probe.Holds(value),
                detail ?? $"{ProbeCatalog.All[probe.Probe].Description}: {Format(value)} {ProbeCatalog.All[probe.Probe].Unit}");

        private double Seconds() => Math.Round(wallClock.GetElapsedTime(_started).TotalSeconds, 3);

        private static bool IsLive(ProbeTolerance probe) => ProbeCatalog.IsLive(probe);
    }

    private static string Format(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "n/a";

    private enum StepPhase
    {
        Waiting,
        On,
        Done,
    }

    /// <summary>One fault of the method as it goes.</summary>
    private sealed class StepState(FaultStep step)
    {
        public FaultStep Step { get; } = step;

        public StepPhase Phase { get; set; }

        public string? SiloFaultId { get; set; }

        public DateTimeOffset? InjectedAt { get; set; }

        public DateTimeOffset? RevertedAt { get; set; }

        public string? RevertedBy { get; set; }
    }

    /// <summary>One expected probe while faults are on: every sample must hold it, or one must (eventually).</summary>
    private sealed class ExpectationState(ProbeTolerance probe)
    {
        private double? _worst;
        private double? _held;
        private (double Value, double At)? _firstBreak;
        private int _samples;

        public ProbeTolerance Probe { get; } = probe;

        public void Observe(double value, double at, IExperimentProgress progress)
        {
            _samples++;
            if (Probe.Holds(value))
            {
                _held ??= value;
            }
            else if (_firstBreak is null)
            {
                _firstBreak = (value, at);
                if (!Probe.Eventually)
                {
                    progress.Noted($"expected {Probe.Label} {Probe.Limits} broke: {Format(value)} at {at:0.###} s");
                }
            }

            _worst = _worst is not { } w ? value
                : Probe.Max is not null ? Math.Max(w, value) : Math.Min(w, value);
        }

        public ProbeCheck Result()
        {
            var definition = ProbeCatalog.All[Probe.Probe];
            if (_samples == 0)
            {
                return new ProbeCheck("during", Probe.Probe, Probe.Label, Probe.Limits, null, false, "no sample was taken while a fault was on");
            }

            if (Probe.Eventually)
            {
                return new ProbeCheck("during", Probe.Probe, Probe.Label, $"{Probe.Limits} at least once", _held ?? _worst, _held is not null,
                    _held is { } v ? $"held at {Format(v)} {definition.Unit} on a sample while faults were on" : $"never held in {_samples} samples; closest {Format(_worst)}");
            }

            return new ProbeCheck("during", Probe.Probe, Probe.Label, Probe.Limits, _firstBreak?.Value ?? _worst, _firstBreak is null,
                _firstBreak is { } b ? $"broke at {b.At:0.###} s with {Format(b.Value)} {definition.Unit}" : $"held on all {_samples} samples while faults were on; worst {Format(_worst)} {definition.Unit}");
        }
    }
}
