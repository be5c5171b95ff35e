using System.Text.Json;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Load;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// <c>apex verify</c> of a load bundle: every tenant's bundle must hold every invariant a run bundle must hold
/// (<see cref="BundleVerifier"/>), every tenant must have run, and load.json's totals must be what the tenants'
/// own files add up to, so the figures cannot claim work that was not done.
/// </summary>
public static class LoadVerifier
{
    /// <summary>Checks the load bundle open in <paramref name="reader"/>.</summary>
    public static IReadOnlyList<InvariantCheck> Verify(LoadBundleReader reader)
    {
        var summary = JsonSerializer.Deserialize<LoadSummary>(reader.SummaryJson, BundleJson.Options)
            ?? throw new JsonException("load.json is empty.");
        var byInvariant = new Dictionary<string, (int Passed, int Failed, string? FirstFailure)>();
        var order = new List<string>();
        long tenants = 0, events = 0, deliveries = 0, publishes = 0;
        var unscored = new List<string>();
        foreach (var (tenant, files) in reader.Tenants())
        {
            tenants++;
            foreach (var check in BundleVerifier.Verify(files, controlHistory: false))
            {
                if (!byInvariant.TryGetValue(check.Name, out var tally))
                {
                    order.Add(check.Name);
                }

                byInvariant[check.Name] = check.Passed
                    ? (tally.Passed + 1, tally.Failed, tally.FirstFailure)
                    : (tally.Passed, tally.Failed + 1, tally.FirstFailure ?? $"{tenant}: {check.Detail}");
            }

            if (!files.TryGetValue("events.jsonl", out var eventLines))
            {
                continue;
            }

            foreach (var line in eventLines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var e = JsonSerializer.Deserialize<EventLine>(line, BundleJson.Options)!;
                if (e.Kind == "publish")
                {
                    publishes++;
                    events += e.FirstPublish && e.Status is ("accepted" or "duplicate") ? 1 : 0; // a retried first publish can find its event taken
                }
                else if (e.Kind == "delivery" && e.Status == "delivered")
                {
                    deliveries++;
                }
            }

            if (files.TryGetValue("manifest.json", out var manifest) && !JsonSerializer.Deserialize<Manifest>(manifest, BundleJson.Options)!.Passed)
            {
                unscored.Add(tenant);
            }
        }

        var checks = order.Select(name =>
        {
            var (passed, failed, first) = byInvariant[name];
            return new InvariantCheck($"{name} (every tenant)", failed == 0,
                failed == 0 ? $"held in all {passed} tenants" : $"broken in {failed} of {passed + failed} tenants; first: {first}");
        }).ToList();
        checks.Add(new InvariantCheck("every tenant ran", tenants > 0 && tenants == summary.Tenants && summary.Errors == 0,
            tenants == summary.Tenants && summary.Errors == 0
                ? $"{tenants} tenant bundles, as load.json says"
                : $"{tenants} tenant bundles, load.json says {summary.Tenants} tenants and {summary.Errors} errors ({string.Join("; ", summary.Failures.Take(3))})"));
        checks.Add(new InvariantCheck("every tenant passed its scorecard", unscored.Count == 0,
            unscored.Count == 0 ? $"{tenants} of {tenants}" : $"{unscored.Count} failed, first: {unscored[0]}"));
        var totalsMatch = events == summary.Events && deliveries == summary.Deliveries && publishes == summary.Publishes;
        checks.Add(new InvariantCheck("load.json totals equal the tenants' files", totalsMatch,
            $"events {events} (load.json {summary.Events}), deliveries {deliveries} (load.json {summary.Deliveries}), publishes {publishes} (load.json {summary.Publishes})"));
        return checks;
    }
}
