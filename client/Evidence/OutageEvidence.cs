using ApexOrleans.Contracts.Chaos;

namespace ApexOrleans.Client.Evidence;

/// <summary>
/// What one outage window left in a bundle: the deliveries that met its app down in the window (by the sequence each
/// attempt's chaos decision read), and its app's circuit transitions from the first of them until the app's next window.
/// </summary>
public sealed class OutageEvidence
{
    /// <summary>Reads the evidence of <paramref name="outage"/>; <paramref name="nextWindowFrom"/> is where the app's next window begins, if it has one.</summary>
    public OutageEvidence(ScenarioOutage outage, IReadOnlyList<EventLine> deliveries, CircuitsFile circuits, int? nextWindowFrom)
    {
        Outage = outage;
        // The app was down: the chaos filter said so, or the remote app's host refused it.
        static bool Down(AttemptLine a) => a.Fault == nameof(FaultKind.Outage) || a.RefusedByApp;
        static bool InWindow(AttemptLine a, ScenarioOutage o) => Down(a) && a.Sequence >= o.FromBeat && a.Sequence < o.ToBeat;
        Hits = deliveries.Where(d => d.Target == outage.App && d.Attempts.Any(a => InWindow(a, outage))).ToList();
        FirstHitAt = Hits.SelectMany(d => d.Attempts).Where(a => InWindow(a, outage)).Select(a => (DateTimeOffset?)a.At).Min();
        NextHitAt = nextWindowFrom is { } next
            ? deliveries.Where(d => d.Target == outage.App).SelectMany(d => d.Attempts)
                .Where(a => Down(a) && a.Sequence >= next).Select(a => (DateTimeOffset?)a.At).Min()
            : null;
        Transitions = FirstHitAt is { } from && circuits.Circuits.TryGetValue(outage.App, out var circuit)
            ? circuit.Transitions.Where(t => t.At >= from && (NextHitAt is null || t.At < NextHitAt)).ToList()
            : [];
        IsLastOfItsApp = NextHitAt is null;
        FallbackUsed = Hits.FirstOrDefault(d => d.FailedOver)?.FailedOverTo;
    }

    /// <summary>The outage.</summary>
    public ScenarioOutage Outage { get; }

    /// <summary>Deliveries to the app that met it down in this window.</summary>
    public IReadOnlyList<EventLine> Hits { get; }

    /// <summary>When a delivery first met the app down in this window; null when none did.</summary>
    public DateTimeOffset? FirstHitAt { get; }

    /// <summary>The app's circuit's transitions from the first hit on, until its next window's first hit.</summary>
    public IReadOnlyList<TransitionLine> Transitions { get; }

    /// <summary>When a delivery first met the app down in its next window, if one did: where this outage's evidence ends.</summary>
    public DateTimeOffset? NextHitAt { get; }

    /// <summary>When the app's circuit first opened after a delivery met it down here; null when it never did.</summary>
    public DateTimeOffset? OpenedAt => Transitions.FirstOrDefault(t => t.To == "Open")?.At;

    /// <summary>Where the deliveries that met it down failed over to, if any did.</summary>
    public string? FallbackUsed { get; }

    /// <summary>Whether no later window of the same app met a delivery: then the circuit's final status is this outage's end.</summary>
    public bool IsLastOfItsApp { get; }

    /// <summary>The evidence of each of <paramref name="outages"/>, in their order.</summary>
    public static IReadOnlyList<OutageEvidence> Of(IReadOnlyList<ScenarioOutage> outages, IReadOnlyList<EventLine> deliveries, CircuitsFile circuits) =>
        outages.Select(o => new OutageEvidence(o, deliveries, circuits,
            outages.Where(n => n.App == o.App && n.FromBeat >= o.ToBeat && n.ToBeat > n.FromBeat && n != o).Select(n => (int?)n.FromBeat).Min())).ToList();
}
