using ApexOrleans.Contracts.Chaos;

namespace ApexOrleans.Client.Evidence;

/// <summary>The scenario's outage as its bundle names it: an app down from beat <see cref="FromBeat"/> until beat <see cref="ToBeat"/>, when it is back.</summary>
public sealed record ScenarioOutage(string App, int FromBeat, int ToBeat)
{
    /// <summary>
    /// The outage of a scenario's chaos, in beats as the scenario file writes it and the manifest keeps it; the chaos model
    /// counts in sequences, and a scenario's beat number is its event's sequence.
    /// </summary>
    public static ScenarioOutage? Of(OutageWindow? window) =>
        window is null ? null : new ScenarioOutage(window.App, checked((int)window.FromSequence), checked((int)window.ToSequence));
}
