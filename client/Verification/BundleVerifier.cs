using System.Text.Json;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Client.Verification;

/// <summary>One invariant checked by <see cref="BundleVerifier"/>.</summary>
public sealed record InvariantCheck(string Name, bool Passed, string Detail);

/// <summary>
/// <c>apex verify</c>: re-checks a bundle from its own files alone, without the runner's verdict: the digest,
/// the scenario it ran (<see cref="ScenarioCheck"/>), the ledger re-rolled from the seed (<see cref="LedgerCheck"/>), metrics and the scorecard derived again from the bundle's files
/// (<see cref="MetricsCheck"/>, <see cref="ScorecardCheck"/>),
/// one effect per (idempotency key, app), every accepted event at every target (or shown queued or
/// dead-lettered), legal circuit transitions, every injected fault matched by its outcome, the final state
/// equal to the control, every accepted event traced with its attempts (<see cref="TracesCheck"/>), and every criterion's verdict
/// backed by the evidence (<see cref="VerdictCheck"/>).
/// </summary>
public static class BundleVerifier
{
    private static readonly HashSet<(string, string)> LegalTransitions =
        [("Closed", "Open"), ("Open", "HalfOpen"), ("HalfOpen", "Closed"), ("HalfOpen", "Open")];

    /// <summary>Checks the bundle at <paramref name="path"/>.</summary>
    public static IReadOnlyList<InvariantCheck> Verify(string path) => Verify(EvidenceBundle.Read(path));

    /// <summary>
    /// Checks a bundle's files: a run bundle, with its control's history; or one tenant of a load bundle
    /// (<paramref name="controlHistory"/> false), whose tenants share one control and carry only its final state.
    /// </summary>
    public static IReadOnlyList<InvariantCheck> Verify(IReadOnlyDictionary<string, string> files, bool controlHistory = true)
    {
        var controlFiles = EvidenceBundle.ControlFiles.Select(f => f.File).ToHashSet();
        var missing = new[] { "manifest.json", "control-state.json", "scorecard.json", "metrics.json", EvidenceBundle.ScenarioFile, EvidenceBundle.CatalogFile }
            .Concat(BundleDigest.Files.Where(f => controlHistory || !controlFiles.Contains(f))).Distinct().Where(f => !files.ContainsKey(f)).ToList();
        if (missing.Count > 0)
        {
            return [new InvariantCheck("complete bundle", false, $"missing: {string.Join(", ", missing)}")];
        }

        var manifest = JsonSerializer.Deserialize<Manifest>(files["manifest.json"], BundleJson.Options)!;
        var (events, receipts, injections, circuits) = EvidenceBundle.ReadHistory(files);
        var deliveries = events.Where(e => e.Kind == "delivery").ToList();
        var applies = receipts.Where(r => r.Kind == "apply").ToList();
        var evidence = new CriterionEvidence(events, receipts, circuits, manifest.Outages ?? []);

        var (scenarioCheck, scenario) = ScenarioCheck.Check(files, manifest);
        var metrics = RunMetrics.From(events);
        InvariantCheck FromScenario(string name, Func<Scenario, InvariantCheck> check) =>
            scenario is null ? new InvariantCheck(name, false, "the bundle's scenario could not be read") : Refusing(name, () => check(scenario));
        return
        [
            Digest(files, manifest),
            scenarioCheck,
            FromScenario(BeatsCheck.Name, s => BeatsCheck.Check(s, events, receipts)),
            FromScenario(LedgerCheck.Name, s => LedgerCheck.Check(s, manifest.Seed, events, injections, manifest.Remote?.OutagesAtHost)),
            MetricsCheck.Check(files["metrics.json"], metrics),
            FromScenario(ScorecardCheck.Name, s => ScorecardCheck.Check(files["scorecard.json"], manifest,
                new DayEvidence(s, new EvidenceFiles(events, receipts, injections, circuits), files["final-state.json"], files["control-state.json"]), metrics)),
            FromScenario(FinalStateCheck.Name, s => FinalStateCheck.Check(s.Catalog!, events, receipts, "final-state.json", files["final-state.json"])),
            .. controlHistory ? [FromScenario(ControlCheck.Name, s => ControlCheck.Check(s, files))] : Array.Empty<InvariantCheck>(),
            OneEffectEach(deliveries, applies),
            NothingStuck(files["final-state.json"], applies),
            EveryTargetReached(evidence, deliveries),
            LegalCircuits(circuits),
            FromScenario(CircuitsCheck.Name, s => CircuitsCheck.Check(circuits, deliveries, new RunSettings().Circuit, s.Beats.Select(b => b.Time).ToList())),
            InjectionsMatched(injections, events, deliveries, applies),
            FinalEqualsControl(files),
            Refusing(TracesCheck.Name, () => TracesCheck.Check(files, manifest, events)),
            VerdictCheck.Check(files["scorecard.json"], manifest, evidence),
        ];
    }

    /// <summary>
    /// Runs a check that reads an edited file's content: what no run could have written (an unknown role, an app the
    /// catalog does not have, a window listed twice, a field left out) fails that check with the reason, instead of
    /// ending the report.
    /// </summary>
    private static InvariantCheck Refusing(string name, Func<InvariantCheck> check)
    {
        try
        {
            return check();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException or JsonException or NullReferenceException)
        {
            return new InvariantCheck(name, false, $"the bundle's files cannot be what a run wrote: {e.Message}");
        }
    }

    private static InvariantCheck Digest(IReadOnlyDictionary<string, string> files, Manifest manifest)
    {
        var digest = BundleDigest.Compute(files);
        return new InvariantCheck("digest", digest == manifest.Digest,
            digest == manifest.Digest ? $"{digest} matches the manifest" : $"the files hash to {digest}, the manifest says {manifest.Digest}: the bundle was changed");
    }

    private static InvariantCheck OneEffectEach(List<EventLine> deliveries, List<ReceiptLine> applies)
    {
        var twice = EffectCount.Repeated(deliveries, applies);
        return new InvariantCheck("one effect per (source app, idempotency key, target)", twice.Count == 0,
            twice.Count == 0 ? $"{applies.Count} apply receipts and every attempt's answer: one effect each" : $"two effects: {string.Join("; ", twice)}");
    }

    /// <summary>Every reaction was recorded by the app that made it, and nothing waits in an outbox or a hold at the end.</summary>
    private static InvariantCheck NothingStuck(string finalState, List<ReceiptLine> applies)
    {
        var problems = new List<string>();
        var recorded = applies.Where(a => a.Role == "Source").Select(a => a.EventId).ToHashSet();
        problems.AddRange(applies.SelectMany(a => a.Reactions).Where(id => !recorded.Contains(id)).Select(id => $"reaction {id} was never recorded by its app"));
        foreach (var (app, state) in System.Text.Json.Nodes.JsonNode.Parse(finalState)!.AsObject())
        {
            if (state!["outbox"]?.GetValue<int>() is > 0 and var waiting)
            {
                problems.Add($"{app} still has {waiting} published event(s) in its outbox");
            }

            if (state["held"]!.AsArray().Count is > 0 and var held)
            {
                problems.Add($"{app} still holds {held} event(s)");
            }
        }

        return new InvariantCheck("nothing stuck in an outbox or a hold", problems.Count == 0,
            problems.Count == 0 ? $"{applies.Sum(a => a.Reactions.Count)} reactions recorded; no outbox or hold left" : string.Join("; ", problems));
    }

    private static InvariantCheck EveryTargetReached(CriterionEvidence evidence, List<EventLine> deliveries)
    {
        var problems = evidence.PublishesNeverAtSource.Select(p => $"{p.IdempotencyKey} (answered {p.Status}) never reached its source {p.Source}").ToList();
        var byEvent = deliveries.ToLookup(d => d.EventId);

        // Every event that was recorded by its source (a publish or a reaction) must have a delivery to each of its targets.
        foreach (var source in deliveries.Where(d => d.Role == "Source" && d.Status == "delivered").Concat(ReactionsOf(deliveries)))
        {
            foreach (var target in source.CloudEvent["targets"]!.AsArray().Select(t => t!.GetValue<string>()))
            {
                var delivery = byEvent[source.EventId].FirstOrDefault(d => d.Role == "Target" && d.Target == target);
                if (delivery is null)
                {
                    problems.Add($"{source.IdempotencyKey} has no delivery to {target}");
                }
                else if (delivery.Status is not ("delivered" or "failed-over" or "pending" or "dead-letter"))
                {
                    problems.Add($"{source.IdempotencyKey}→{target} has status {delivery.Status}");
                }
                else if (delivery.FailedOver && !byEvent[source.EventId].Any(d => d.Role == "Fallback" && d.Target == delivery.FailedOverTo && d.StandsInFor == target))
                {
                    problems.Add($"{source.IdempotencyKey}→{target} failed over to {delivery.FailedOverTo}, which has no delivery of it");
                }
            }
        }

        var shown = deliveries.Count(d => !d.Ended);
        var failedOver = deliveries.Count(d => d.FailedOver);
        return new InvariantCheck("every accepted event reached every target", problems.Count == 0,
            problems.Count == 0 ? $"{deliveries.Count} deliveries; {failedOver} failed over to a fallback; {shown} shown pending or dead-lettered" : string.Join("; ", problems.Distinct()));
    }

    /// <summary>Reactions never pass a source queue: their first delivery stands for their publication.</summary>
    private static IEnumerable<EventLine> ReactionsOf(List<EventLine> deliveries) =>
        deliveries.Where(d => d.CausationId is not null && d.Role == "Target").GroupBy(d => d.EventId).Select(g => g.First());

    private static InvariantCheck LegalCircuits(CircuitsFile circuits)
    {
        var problems = new List<string>();
        foreach (var (app, circuit) in circuits.Circuits)
        {
            var state = "Closed";
            foreach (var transition in circuit.Transitions)
            {
                if (transition.From != state || !LegalTransitions.Contains((transition.From, transition.To)))
                {
                    problems.Add($"{app}: {transition.From}→{transition.To} at {transition.At:O} while {state}");
                }

                state = transition.To;
            }

            if (state != circuit.Status)
            {
                problems.Add($"{app}: transitions end {state} but the circuit says {circuit.Status}");
            }
        }

        return new InvariantCheck("legal circuit transitions", problems.Count == 0,
            problems.Count == 0 ? $"{circuits.Circuits.Values.Sum(c => c.Transitions.Count)} transitions, all closed→open→half-open→closed|open" : string.Join("; ", problems));
    }

    private static InvariantCheck InjectionsMatched(IReadOnlyList<InjectionLine> injections, IReadOnlyList<EventLine> events, List<EventLine> deliveries, List<ReceiptLine> applies)
    {
        var problems = new List<string>();
        foreach (var injection in injections)
        {
            var delivery = deliveries.FirstOrDefault(d => d.EventId == injection.EventId && d.Target == injection.Target && d.Role == injection.Role);
            switch (injection.Fault)
            {
                case "DuplicatePublish":
                    if (!events.Any(e => e.Kind == "publish" && e.RepeatedPublish && e.EventId == injection.EventId && e.Status != "accepted"))
                    {
                        problems.Add($"{injection.IdempotencyKey}: a repeated publish was not answered as a duplicate");
                    }

                    break;
                case "ChangedPayloadReplay":
                    if (!events.Any(e => e.Kind == "publish" && e.ChangedPayload && e.EventId == injection.EventId && e.Status == ChangedPayloadRecord.Conflict))
                    {
                        problems.Add($"{injection.IdempotencyKey}: a replay with a changed payload was not refused as a conflict");
                    }

                    break;
                case "Delay":
                    if (delivery is null || (delivery.Attempts.Count > 0 && delivery.Attempts[0].At < delivery.At.AddMilliseconds(injection.DelayMs)))
                    {
                        problems.Add($"{injection.IdempotencyKey}→{injection.Target}: delayed {injection.DelayMs} ms but attempted earlier");
                    }

                    break;
                default:
                    var attempt = delivery?.Attempts.FirstOrDefault(a => a.Number == injection.Attempt);
                    var shouldFail = injection.Fault != "Duplicate";
                    var preempted = attempt is not null && EffectCount.Preempted(attempt);
                    if (attempt is null || attempt.Fault != injection.Fault || (attempt.Succeeded == shouldFail && !preempted))
                    {
                        problems.Add($"{injection.IdempotencyKey}→{injection.Target} attempt {injection.Attempt}: {injection.Fault} without its outcome");
                    }
                    else if (attempt is not null && EffectCount.ReachedTargetTwice(attempt) && delivery!.Status == "delivered"
                             && !applies.Any(a => a.EventId == injection.EventId && a.App == injection.Target && a.DuplicatesRefused > 0))
                    {
                        problems.Add($"{injection.IdempotencyKey}→{injection.Target}: {injection.Fault} but the target refused no duplicate");
                    }

                    break;
            }
        }

        return new InvariantCheck("every injected fault matched by its outcome", problems.Count == 0,
            problems.Count == 0 ? $"{injections.Count} injections, each with the outcome it should cause" : string.Join("; ", problems));
    }

    private static InvariantCheck FinalEqualsControl(IReadOnlyDictionary<string, string> files)
    {
        var equal = files["final-state.json"] == files["control-state.json"];
        return new InvariantCheck("final state equals the control", equal,
            equal ? "the run under chaos ended exactly where the run without chaos did" : "the final state differs from the run without chaos");
    }
}
