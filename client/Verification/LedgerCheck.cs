using ApexOrleans.Contracts.ChaosPolicy;
using System.Text.Json;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// The ledger re-rolled: every hash-decided fault is a function of (seed, event, target, role, attempt, kind), so verify
/// decides again, with the manifest's seed and the bundle's scenario, the delay of every delivery and the fault of every
/// recorded attempt. Each must be what was recorded, and injections.jsonl must be exactly the ledger those decisions
/// make: nothing missing, nothing extra. A fault injected by an operator (<c>POST /api/v1/faults</c>) is not the seed's,
/// so a run that met one does not re-roll.
/// </summary>
public static class LedgerCheck
{
    /// <summary>The name of the invariant in <c>apex verify</c>'s report.</summary>
    public const string Name = "the ledger re-rolled from the seed";

    /// <summary>
    /// Re-rolls the run of <paramref name="scenario"/> at <paramref name="seed"/> over its recorded attempts; the outages of
    /// <paramref name="outagesAtHost"/> were an apps host's refusals, which the seed does not decide.
    /// </summary>
    public static InvariantCheck Check(Scenario scenario, long seed, IReadOnlyList<EventLine> events, IReadOnlyList<InjectionLine> injections,
        IReadOnlyList<string>? outagesAtHost = null) =>
        Check(scenario.ChaosOfRun(seed, outagesAtHost?.ToHashSet(StringComparer.Ordinal)), $"seed {seed}", events, injections, "");

    /// <summary>
    /// Re-rolls recorded attempts under <paramref name="chaos"/> (named <paramref name="by"/> in the report), for the files
    /// under <paramref name="folder"/> (the control's are in <c>control/</c>).
    /// </summary>
    public static InvariantCheck Check(ChaosSettings chaos, string by, IReadOnlyList<EventLine> events, IReadOnlyList<InjectionLine> injections, string folder)
    {
        var policy = new SeededChaosPolicy(chaos);
        var problems = new List<string>();
        var ledger = InjectionLine.ScriptedPublishes(events).ToList();
        var attempts = 0;
        foreach (var delivery in events.Where(e => e.Kind == "delivery"))
        {
            var envelope = RecordedEnvelope.Of(delivery);
            var role = Enum.Parse<DeliveryRole>(delivery.Role!);
            var what = $"{delivery.IdempotencyKey}→{delivery.Target} ({delivery.Role})";
            var delay = policy.DeliveryDelay(envelope, delivery.Target!, role).TotalMilliseconds;
            if (delay != delivery.InjectedDelayMs)
            {
                problems.Add($"{folder}events.jsonl {what}: held back {delivery.InjectedDelayMs} ms, {by} gives {delay} ms");
            }

            if (delay > 0)
            {
                ledger.Add(InjectionLine.Delay(delivery, delay));
            }

            foreach (var attempt in delivery.Attempts)
            {
                attempts++;
                var decision = policy.DecideAttempt(new DeliveryAttemptContext(envelope, delivery.Target!, role, attempt.Number, attempt.Sequence));
                if (decision.Fault.ToString() != attempt.Fault)
                {
                    problems.Add($"{folder}events.jsonl {what} attempt {attempt.Number}: {attempt.Fault}, {by} gives {decision.Fault}");
                }

                if (decision.Fault != FaultKind.None)
                {
                    ledger.Add(InjectionLine.AttemptFault(delivery, attempt, decision.Fault.ToString(), decision.Reason));
                }
            }
        }

        problems.AddRange(JsonDifferences.Between($"{folder}injections.jsonl", JsonSerializer.SerializeToNode(injections, BundleJson.Options),
            JsonSerializer.SerializeToNode(ledger, BundleJson.Options)));
        return new InvariantCheck(Name, problems.Count == 0,
            problems.Count == 0 ? $"{by}: {attempts} attempts decided again, {ledger.Count} injections, the ledger exactly"
                : string.Join("; ", problems.Take(10)));
    }
}
