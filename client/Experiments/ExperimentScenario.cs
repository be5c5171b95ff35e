using ApexOrleans.Client.Scenarios;

namespace ApexOrleans.Client.Experiments;

/// <summary>The scenario an experiment's traffic plays: its day squeezed onto a real clock, and none of its own faults.</summary>
public static class ExperimentScenario
{
    /// <summary>The scenario as <paramref name="method"/>'s tenants play it.</summary>
    public static Scenario For(Scenario scenario, ExperimentMethod method) => WithoutOwnChaos(Retimed(scenario, method.BeatInterval));

    /// <summary>The scenario with its beats <paramref name="interval"/> apart from the first, so a day plays in seconds on a real clock.</summary>
    public static Scenario Retimed(Scenario scenario, TimeSpan interval)
    {
        var start = scenario.Beats[0].Time;
        return scenario with { Beats = scenario.Beats.Select((b, i) => b with { Time = start + interval * i }).ToList() };
    }

    /// <summary>
    /// The scenario without the faults it scripts for itself (its outages, rates, per-beat faults and changed-payload replays): in an experiment
    /// the only faults are the method's, so the scorecard judges each tenant against what was really injected. A tenant
    /// the method's faults never reach has nothing to observe for most criteria: that is expected, not a failure.
    /// </summary>
    public static Scenario WithoutOwnChaos(Scenario scenario) => scenario.WithoutChaos() with { ExpectedNotExercised = CriterionIds.All.ToHashSet(StringComparer.Ordinal) };
}
