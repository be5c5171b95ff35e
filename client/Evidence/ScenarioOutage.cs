using ApexOrleans.Contracts.Chaos;

namespace ApexOrleans.Client.Evidence;

/// <summary>One outage of the scenario as its bundle names it: an app down from beat <see cref="FromBeat"/> until beat <see cref="ToBeat"/>, when it is back.</summary>
public sealed record ScenarioOutage(string App, int FromBeat, int ToBeat)
{
    /// <summary>
    /// The outages of a scenario's chaos, in beats as the scenario file writes them and the manifest keeps them; the chaos
    /// model counts in sequences, and a scenario's beat number is its event's sequence.
    /// </summary>
    public static IReadOnlyList<ScenarioOutage> Of(IReadOnlyList<OutageWindow> windows) =>
        windows.Select(w => new ScenarioOutage(w.App, checked((int)w.FromSequence), checked((int)w.ToSequence))).ToList();

    /// <summary>How a report names it: "trutalk from beat 7 until beat 10".</summary>
    public override string ToString() => $"{App} from beat {FromBeat} until beat {ToBeat}";
}
