using System.Text.Json;
using System.Text.Json.Nodes;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Client.Evidence;

/// <summary>A data proof and what was found for it in the silo's store.</summary>
public sealed record ProofResult(string App, string Table, string Key, bool Found, IReadOnlyDictionary<string, string> Mismatches, bool Passed);

/// <summary>One beat's outcome: its publish, its data proofs, and why it failed if it did.</summary>
public sealed record BeatResult(int Beat, string Title, string EventType, string Publish, bool Passed, IReadOnlyList<ProofResult> Proofs);

/// <summary>scorecard.json: every criterion (its status, and why when it was not exercised) and every beat.</summary>
public sealed record Scorecard(bool Passed, bool ShouldPassed, IReadOnlyList<Criterion> Criteria, IReadOnlyList<BeatResult> Beats)
{
    /// <summary>Evaluates a run from the files its bundle will hold (see <see cref="Evaluate(DayEvidence, RunMetrics)"/>).</summary>
    public static Scorecard Evaluate(RunRecord run, EvidenceFiles files, RunMetrics metrics) => Evaluate(DayEvidence.Of(run, files), metrics);

    /// <summary>
    /// Evaluates a day: everything is computed from what its bundle holds (the scenario, the lines, the final and control
    /// states), so <c>apex verify</c> computes the same scorecard again. A criterion with nothing to observe
    /// (<see cref="ExerciseRule"/>) is not exercised; the run passes when every must-pass criterion passed or was not
    /// exercised as the scenario expects.
    /// </summary>
    public static Scorecard Evaluate(DayEvidence day, RunMetrics metrics)
    {
        var beats = day.Scenario.Beats.Select(b => Beat(day, b)).ToList();
        var evidence = day.Lines;
        var outage = new OutageCriteria(day);
        var criteria = new List<Criterion>
        {
            DeliveryCriteria.Idempotency(evidence),
            DeliveryCriteria.Deduplication(day),
            outage.Contained(),
            outage.Recovered(),
            DeliveryCriteria.Retries(evidence),
            DeliveryCriteria.OutOfOrder(day),
            DeliveryCriteria.NothingLost(day),
            AllBeats(evidence, beats),
            Verdict.Judge(evidence, CriterionIds.LatencyP95, "Mesh latency p95 < 500 ms", CriterionLevel.Should, metrics.MeshLatencyMs.P95 < 500,
                Figures(("p50Ms", metrics.MeshLatencyMs.P50), ("p95Ms", metrics.MeshLatencyMs.P95), ("p99Ms", metrics.MeshLatencyMs.P99)),
                "wall-clock time the mesh spent per delivery, injected delays and backoff excluded"),
            Verdict.Judge(evidence, CriterionIds.ErrorRate, "Error rate < 10 %", CriterionLevel.Should, metrics.ErrorRate < 0.10,
                Figures(("errorRate", metrics.ErrorRate), ("undelivered", metrics.Undelivered), ("attemptFailureRate", metrics.AttemptFailureRate)),
                "deliveries that did not end delivered, over all deliveries; failed attempts that a retry fixed are shown apart"),
            DeliveryCriteria.Corruption(day),
            outage.NoSpill(),
            outage.AutonomousRecovery(),
        };
        criteria = criteria.Select(c => c with { ExpectedNotExercised = day.Scenario.ExpectedNotExercised.Contains(c.Id) }).ToList();
        return new Scorecard(Verdict.RunPassed(criteria.Select(c => (c.Level, c.Status, c.ExpectedNotExercised))),
            criteria.Where(c => c.Level == CriterionLevel.Should).All(c => c.Holds), criteria, beats);
    }

    /// <summary>The figures of a criterion, by name.</summary>
    internal static Dictionary<string, object?> Figures(params (string Name, object? Value)[] figures) => figures.ToDictionary(f => f.Name, f => f.Value);

    private static Criterion AllBeats(CriterionEvidence evidence, List<BeatResult> beats)
    {
        var failed = beats.Where(b => !b.Passed).ToList();
        return Verdict.Judge(evidence, CriterionIds.AllBeats, "All beats succeed", CriterionLevel.Should, failed.Count == 0,
            Figures(("beats", beats.Count), ("passed", beats.Count - failed.Count)),
            failed.Count == 0 ? "every beat's publish was accepted and its data proofs hold" : string.Join("; ", failed.Select(b => $"beat {b.Beat} failed")));
    }

    private static BeatResult Beat(DayEvidence day, ScenarioBeat beat)
    {
        // As the receipt's status is named (Accepted, Duplicate, InProgress); a beat with no publish line was not published.
        var status = day.Lines.Publishes.FirstOrDefault(p => p.Beat == beat.Number && p.FirstPublish)?.Status;
        var publish = status is null ? "NotPublished" : Enum.TryParse<PublishStatus>(status, ignoreCase: true, out var known) ? known.ToString() : status;
        var proofs = beat.Expect.Select(proof => Prove(day.Final, proof)).ToList();
        // A first publish answered "Duplicate" was accepted by the silo before a restart cut off its answer.
        var accepted = publish is "Accepted" or "Duplicate";
        return new BeatResult(beat.Number, beat.Title, beat.Event.EventType, publish, accepted && proofs.All(p => p.Passed), proofs);
    }

    private static ProofResult Prove(FinalState final, DataProof proof)
    {
        // The final state shows a fallback's record standing in for the app's own where the app would have written it.
        var row = ProofKey.Find(final.Rows(proof.App, proof.Table), proof.Key);
        var mismatches = new Dictionary<string, string>();
        if (row is not null)
        {
            foreach (var (field, expected) in proof.Fields)
            {
                if (!Matches(expected, row.Data[field]))
                {
                    mismatches[field] = $"expected {expected.GetRawText()}, found {row.Data[field]?.ToJsonString() ?? "nothing"}";
                }
            }
        }

        return new ProofResult(proof.App, proof.Table, proof.Key, row is not null, mismatches, row is not null && mismatches.Count == 0);
    }

    private static bool Matches(JsonElement expected, JsonNode? actual) => expected.ValueKind switch
    {
        JsonValueKind.Number => actual is JsonValue v && v.TryGetValue<decimal>(out var d) && d == expected.GetDecimal(),
        JsonValueKind.String => actual is JsonValue v && v.TryGetValue<string>(out var s) && s == expected.GetString(),
        _ => actual is not null && JsonElement.DeepEquals(expected, JsonSerializer.SerializeToElement(actual)),
    };
}
