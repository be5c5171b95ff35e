using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Verification;

namespace ApexOrleans.Client.Tests.Verification;

/// <summary>
/// Each edit a user might make to a bundle, with its digest computed again, fails <c>apex verify</c> at the check that
/// re-derives what the edit changed, and the check's report names the edit.
/// </summary>
public sealed class TamperTests(ChaosDayBundle bundle) : IClassFixture<ChaosDayBundle>
{
    private sealed record Tamper(Func<TamperedBundle, TamperedBundle> Edit, string Check, string Names);

    private static readonly Dictionary<string, Tamper> Cases = new()
    {
        ["a metrics figure raised"] = new(b => b.Json("metrics.json", m => m["attempts"] = m["attempts"]!.GetValue<int>() + 1),
            MetricsCheck.Name, "metrics.json attempts: the bundle says"),
        ["the p95 latency lowered"] = new(b => b.Json("metrics.json", m => m["meshLatencyMs"]!["p95"] = 0.001),
            MetricsCheck.Name, "metrics.json meshLatencyMs.p95: the bundle says 0.001"),
        ["a beat's publish removed"] = new(b => b.Lines("events.jsonl", l => l.RemoveAll(e => Is(e, "publish", beat: 4) && !Repeated(e))),
            BeatsCheck.Name, "beat 4 (sarahs-day/inv-001) has 0 first publishes"),
        ["a beat's publish left in progress"] = new(b => b.Lines("events.jsonl", l => l.First(e => Is(e, "publish", beat: 2))["status"] = "inprogress"),
            BeatsCheck.Name, "beat 2's publish was answered inprogress, not accepted"),
        ["a scripted repeat removed"] = new(b => b.Lines("events.jsonl", l => l.RemoveAll(e => Is(e, "publish", beat: 12) && Repeated(e))),
            BeatsCheck.Name, "beat 12 has 0 repeated publishes; the scenario scripts 1"),
        ["a publish of a beat that was not"] = new(b => b.Lines("events.jsonl", l => l.Add(Copy(l.First(e => Is(e, "publish", beat: 13)), e => e["beat"] = 14))),
            BeatsCheck.Name, "a publish of beat 14, which the scenario does not have"),
        ["the scenario edited, its hash kept"] = new(b => b.Text(EvidenceBundle.ScenarioFile, s => s.Replace("\"toBeat\": 10 }", "\"toBeat\": 11 }", StringComparison.Ordinal)),
            ScenarioCheck.Name, "scenario.json hashes to"),
        ["the scenario's outage moved with its hash"] = new(b => Rehash(b.Text(EvidenceBundle.ScenarioFile, s => s.Replace("\"toBeat\": 10 }", "\"toBeat\": 11 }", StringComparison.Ordinal))),
            ScenarioCheck.Name, "manifest.json outages: the bundle says careconnect from beat 2 until beat 5, trutalk from beat 7 until beat 10, careconnect from beat 11 until beat 12, "
                + "scenario.json gives careconnect from beat 2 until beat 5, trutalk from beat 7 until beat 11,"),
        ["the manifest's outages removed"] = new(b => b.Json("manifest.json", m => m["outages"] = new JsonArray()),
            ScenarioCheck.Name, "manifest.json outages: the bundle says nothing"),
        ["one outage of the manifest's removed"] = new(b => b.Json("manifest.json", m => m["outages"]!.AsArray().RemoveAt(2)),
            ScenarioCheck.Name, "manifest.json outages: the bundle says careconnect from beat 2 until beat 5, trutalk from beat 7 until beat 10, scenario.json gives"),
        ["the changed-payload replay shown accepted"] = new(b => b.Lines("events.jsonl", l => l.First(ChangedReplay)["status"] = "accepted"),
            BeatsCheck.Name, "beat 4's replay with a changed payload was answered accepted, not refused as a conflict"),
        ["the changed-payload replay removed with its injection"] = new(b => b
                .Lines("events.jsonl", l => l.RemoveAll(ChangedReplay))
                .Lines("injections.jsonl", l => l.RemoveAll(i => i["fault"]!.GetValue<string>() == "ChangedPayloadReplay")),
            BeatsCheck.Name, "beat 4 has 0 replays with a changed payload in events.jsonl; the scenario scripts 1"),
        ["the conflict refused taken out of the key's record"] = new(b => b.Lines("receipts.jsonl", l => l.RemoveAll(r => r["outcome"]?.GetValue<string>() == "Conflict")),
            BeatsCheck.Name, "receipts.jsonl shows no conflict refused for sarahs-day/inv-001"),
        ["the changed payload delivered in place of the beat's"] = new(b => b.Lines("events.jsonl", l =>
            {
                var changed = l.First(ChangedReplay)["cloudEvent"]!["data"]!;
                l.First(e => Is(e, "delivery", beat: 4) && e["target"]!.GetValue<string>() == "flowc")["cloudEvent"]!["data"] = changed.DeepClone();
            }),
            BeatsCheck.Name, "the delivery of sarahs-day/inv-001 to flowc carries"),
        ["the manifest's scenario renamed"] = new(b => b.Json("manifest.json", m => m["scenario"] = "another-day"),
            ScenarioCheck.Name, "manifest.json scenario: the bundle says another-day, scenario.json gives outages-and-a-changed-replay"),
        ["an app taken out of the catalog"] = new(b => b.Json(EvidenceBundle.CatalogFile, c => c["apps"]!.AsArray().Remove(
                c["apps"]!.AsArray().First(a => a!["id"]!.GetValue<string>() == "keepsafe"))),
            ScenarioCheck.Name, "catalog.json"),
        ["a criterion's figure raised"] = new(b => b.Json("scorecard.json", c => c["criteria"]![6]!["figures"]!["deliveries"] = 1000),
            ScorecardCheck.Name, "scorecard.json criteria[6].figures.deliveries: the bundle says 1000"),
        ["a criterion's detail rewritten"] = new(b => b.Json("scorecard.json", c => c["criteria"]![0]!["detail"] = "all good"),
            ScorecardCheck.Name, "scorecard.json criteria[0].detail: the bundle says \"all good\""),
        ["the manifest's verdict flipped"] = new(b => b.Json("manifest.json", m => m["passed"] = false),
            ScorecardCheck.Name, "manifest.json passed: the bundle says false, derived again true"),
        ["the final and control states changed the same way"] = new(b => b
                .Json("final-state.json", f => f["flowbills"]!["tables"]!["invoices"]!["inv-001"]!["data"]!["amount"] = 70)
                .Json("control-state.json", f => f["flowbills"]!["tables"]!["invoices"]!["inv-001"]!["data"]!["amount"] = 70),
            ScorecardCheck.Name, "scorecard.json beats[3].passed: the bundle says true, derived again false"),
        ["an invoice's amount changed in the final state alone"] = new(b => b.Json("final-state.json", f => f["flowbills"]!["tables"]!["invoices"]!["inv-001"]!["data"]!["amount"] = 70),
            FinalStateCheck.Name, "final-state.json flowbills.tables.invoices.inv-001.data.amount: the bundle says 70, derived again 75"),
        ["an apply receipt removed"] = new(b => b.Lines("receipts.jsonl", l => l.RemoveAll(r => Apply(r, "flowbills", "sarahs-day/inv-001"))),
            FinalStateCheck.Name, "final-state.json flowbills.tables.invoices.inv-001: the bundle says"),
        ["an apply receipt's effect renamed"] = new(b => b.Lines("receipts.jsonl", l => l.First(r => Apply(r, "flowc", "sarahs-day/inv-001"))["effects"] = new JsonArray("compliance_checks/auto-inv-999")),
            FinalStateCheck.Name, "flowc's apply of sarahs-day/inv-001: the receipt says effects [compliance_checks/auto-inv-999], applied again [invoices/inv-001]"),
        ["a reaction's receipt removed"] = new(b => b.Lines("receipts.jsonl", l => l.RemoveAll(r => Apply(r, "aspiral", "sarahs-day/alert-001>aspiral.reorder-task"))),
            FinalStateCheck.Name, "aspiral has no receipt of sarahs-day/alert-001>aspiral.reorder-task (Source), which applying the history again applies"),
        ["the payload a target applied changed"] = new(b => b.Lines("events.jsonl", l => l.First(e => Is(e, "delivery", beat: 4) && e["target"]!.GetValue<string>() == "omnihub")["cloudEvent"]!["data"]!["amount"] = 70),
            FinalStateCheck.Name, "final-state.json omnihub.tables."),
        ["the control's state changed alone"] = new(b => b.Json("control-state.json", f => f["flowbills"]!["tables"]!["invoices"]!["inv-001"]!["data"]!["amount"] = 70),
            ControlCheck.Name, "control: the final state rebuilt from the recorded effects: control-state.json flowbills.tables.invoices.inv-001.data.amount: the bundle says 70, derived again 75"),
        ["an apply receipt removed from the control"] = new(b => b.Lines("control/receipts.jsonl", l => l.RemoveAll(r => Apply(r, "flowbills", "sarahs-day/inv-001"))),
            ControlCheck.Name, "control-state.json flowbills.tables.invoices.inv-001: the bundle says"),
        ["an injection added to the control's ledger"] = new(b => b.Lines("control/injections.jsonl", l => l.Add(JsonNode.Parse("""
                { "beat": 4, "eventId": "evt-1", "idempotencyKey": "sarahs-day/inv-001", "target": "flowc", "role": "Target", "attempt": 1, "fault": "Timeout",
                  "reason": "made up", "delayMs": 0, "at": "2026-01-03T09:00:00+00:00" }
                """)!)),
            ControlCheck.Name, "control/injections.jsonl"),
        ["a beat's publish removed from the control"] = new(b => b.Lines("control/events.jsonl", l => l.RemoveAll(e => Is(e, "publish", beat: 4))),
            ControlCheck.Name, "control: every beat of the scenario published and accepted: beat 4 (sarahs-day/inv-001) has 0 first publishes"),
        ["a beat's payload changed in its publish and deliveries"] = new(b => b.Lines("events.jsonl", l =>
            {
                foreach (var line in l.Where(e => Is(e, "publish", beat: 2) || Is(e, "delivery", beat: 2)).Where(e => e["idempotencyKey"]!.GetValue<string>() == "sarahs-day/est-001"))
                {
                    line["cloudEvent"]!["data"]!["estimatedCost"] = 7.5;
                }
            }),
            BeatsCheck.Name, "beat 2's publish in events.jsonl carries"),
        ["an apply receipt's time moved an hour earlier"] = new(b => b.Lines("receipts.jsonl", l => Earlier(l.First(r => Apply(r, "flowc", "sarahs-day/inv-001")))),
            FinalStateCheck.Name, "receipts.jsonl: flowc took sarahs-day/inv-001 at"),
        ["a delivery's role made up, with its receipt's"] = new(b => b
                .Lines("events.jsonl", l => l.First(e => Is(e, "delivery", beat: 4) && e["target"]!.GetValue<string>() == "flowc")["role"] = "Auditor")
                .Lines("receipts.jsonl", l => l.First(r => Apply(r, "flowc", "sarahs-day/inv-001"))["role"] = "Auditor"),
            FinalStateCheck.Name, "the bundle's files cannot be what a run wrote"),
        ["the manifest's seed changed"] = new(b => b.Json("manifest.json", m => m["seed"] = 43),
            LedgerCheck.Name, "seed 43 gives"),
        ["an injection removed from the ledger"] = new(b => b.Lines("injections.jsonl", l => l.RemoveAt(l.FindIndex(i => i["fault"]!.GetValue<string>() == "Timeout"))),
            LedgerCheck.Name, "injections.jsonl ["),
        ["an attempt's fault hidden"] = new(b => b.Lines("events.jsonl", l => l.SelectMany(e => e["attempts"]?.AsArray() ?? [])
                .First(a => a!["fault"]!.GetValue<string>() == "ServerError")!["fault"] = "None"),
            LedgerCheck.Name, ": None, seed 42 gives ServerError"),
        ["an injected delay shortened"] = new(b => b.Lines("events.jsonl", l => l.First(e => e["injectedDelayMs"]?.GetValue<double>() > 0)!["injectedDelayMs"] = 1),
            LedgerCheck.Name, "held back 1 ms, seed 42 gives"),
        ["a claim receipt duplicated"] = new(b => b.Lines("receipts.jsonl", l => l.Add(l.First(r => r["kind"]!.GetValue<string>() == "claim" && r["idempotencyKey"]!.GetValue<string>() == "sarahs-day/call-001").DeepClone())),
            BeatsCheck.Name, "receipts.jsonl has 2 claims of beat 1's key sarahs-day/call-001, not 1"),
        ["a circuit's opening moved an hour earlier"] = new(b => b.Json("circuits.json", c => Earlier(c["circuits"]!["trutalk"]!["transitions"]!.AsArray().First(t => t!["to"]!.GetValue<string>() == "Open")!)),
            CircuitsCheck.Name, "circuits.json trutalk Closed→Open at"),
        ["a circuit's half-opening moved an hour earlier"] = new(b => b.Json("circuits.json", c => Earlier(c["circuits"]!["trutalk"]!["transitions"]!.AsArray().First(t => t!["to"]!.GetValue<string>() == "HalfOpen")!)),
            CircuitsCheck.Name, "ends at"),
        ["a circuit's state read before a beat changed"] = new(b => b.Json("circuits.json", c => c["beats"]![2]!["before"]!["trutalk"] = "HalfOpen"),
            CircuitsCheck.Name, "circuits.json beats[2].before.trutalk: HalfOpen, its transitions give Closed"),
        ["a reading after a beat unlike the next beat's"] = new(b => b.Json("circuits.json", c => c["beats"]![3]!["after"]!["omnihub"] = "Open"),
            CircuitsCheck.Name, "circuits.json beats[3].after.omnihub: Open, but beats[4].before, the same reading, says Closed"),
        ["a circuit left open at the end"] = new(b => b.Json("circuits.json", c => c["circuits"]!["trutalk"]!["status"] = "Open"),
            CircuitsCheck.Name, "circuits.json trutalk ends Open, its last move left it Closed"),
        ["a beat's delivery and its target removed"] = new(b => b.Lines("events.jsonl", l =>
            {
                var published = l.First(e => Is(e, "publish", beat: 4))["eventId"]!.GetValue<string>();
                var delivery = l.First(e => Is(e, "delivery", beat: 4) && e["role"]!.GetValue<string>() == "Target" && e["eventId"]!.GetValue<string>() == published);
                var target = delivery["target"]!.GetValue<string>();
                foreach (var line in l.Where(e => Is(e, "delivery", beat: 4) && e["eventId"]!.GetValue<string>() == delivery["eventId"]!.GetValue<string>()))
                {
                    var targets = line["cloudEvent"]!["targets"]!.AsArray();
                    targets.Remove(targets.First(t => t!.GetValue<string>() == target));
                }

                l.Remove(delivery);
            }),
            BeatsCheck.Name, "beat 4's event has deliveries to ["),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void AnEditedBundleWithItsDigestRecomputedFailsVerifyNamingTheEdit(string edit)
    {
        var tamper = Cases[edit];
        var files = tamper.Edit(new TamperedBundle(bundle.Files)).Redigested();

        var checks = BundleVerifier.Verify(files);

        Assert.True(checks.Single(c => c.Name == "digest").Passed, "the digest was computed again: only what the files claim can show the edit");
        var check = checks.Single(c => c.Name == tamper.Check);
        Assert.False(check.Passed, $"{edit}: {tamper.Check} passed");
        Assert.Contains(tamper.Names, check.Detail);
    }

    [Fact]
    public void TheBundleAsWrittenPassesEveryCheck() =>
        Assert.All(BundleVerifier.Verify(bundle.Files), check => Assert.True(check.Passed, $"{check.Name}: {check.Detail}"));

    /// <summary>
    /// The mutation check: every check that re-derives a file is the one a tamper case relies on, so disabling any of them
    /// (making it always pass) fails that case.
    /// </summary>
    [Fact]
    public void EveryDerivingCheckIsTheOneSomeEditFails() =>
        Assert.All(new[] { ScenarioCheck.Name, BeatsCheck.Name, LedgerCheck.Name, CircuitsCheck.Name, MetricsCheck.Name, ScorecardCheck.Name, FinalStateCheck.Name, ControlCheck.Name }, name => Assert.Contains(Cases.Values, c => c.Check == name));

    private static bool Is(JsonNode line, string kind, int beat) => line["kind"]!.GetValue<string>() == kind && line["beat"]!.GetValue<int>() == beat;

    private static bool Apply(JsonNode receipt, string app, string key) =>
        receipt["kind"]!.GetValue<string>() == "apply" && receipt["app"]!.GetValue<string>() == app && receipt["idempotencyKey"]!.GetValue<string>() == key;

    private static bool Repeated(JsonNode line) => line["repeatedPublish"]?.GetValue<bool>() == true;

    private static bool ChangedReplay(JsonNode line) => line["changedPayload"]?.GetValue<bool>() == true;

    private static JsonNode Copy(JsonNode line, Action<JsonNode> edit)
    {
        var copy = line.DeepClone();
        edit(copy);
        return copy;
    }

    private static void Earlier(JsonNode transition) => transition["at"] = transition["at"]!.GetValue<DateTimeOffset>().AddHours(-1);

    private static TamperedBundle Rehash(TamperedBundle bundle)
    {
        var files = bundle.Redigested();
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(files[EvidenceBundle.ScenarioFile])));
        return bundle.Json("manifest.json", m => m["scenarioSha256"] = sha);
    }
}
