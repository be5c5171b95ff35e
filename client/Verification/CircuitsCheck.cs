using ApexOrleans.Client.Evidence;
using ApexOrleans.Contracts.Circuits;

namespace ApexOrleans.Client.Verification;

/// <summary>
/// Every circuit's transitions agree with the attempts recorded for its app, under the breaker's rules
/// (<see cref="CircuitBreakerOptions"/>): it opens only on a failed attempt of the event it names, after the
/// configured run of failures; it goes half-open exactly when its break ends and lets no attempt through before;
/// it closes only on a probe's success and reopens only on a probe's failure; and it ends where its last move left it.
/// </summary>
public static class CircuitsCheck
{
    /// <summary>The name of the invariant in <c>apex verify</c>'s report.</summary>
    public const string Name = "circuit transitions agree with the attempts";

    private sealed record Attempt(DateTimeOffset At, string EventId, bool Succeeded, bool Probe);

    /// <summary>Checks every circuit of <paramref name="circuits"/> against the attempts of <paramref name="deliveries"/>.</summary>
    public static InvariantCheck Check(CircuitsFile circuits, IReadOnlyList<EventLine> deliveries, CircuitBreakerOptions options)
    {
        var problems = new List<string>();
        var moves = 0;
        foreach (var (app, circuit) in circuits.Circuits)
        {
            var attempts = deliveries.Where(d => d.Target == app)
                .SelectMany(d => d.Attempts.Select(a => new Attempt(a.At, d.EventId, a.Succeeded, a.Probe))).ToList();
            var status = "Closed";
            var openings = 0;
            DateTimeOffset? openedAt = null;
            DateTimeOffset? closedAt = null;
            foreach (var move in circuit.Transitions)
            {
                moves++;
                var what = $"circuits.json {app} {move.From}→{move.To} at {move.At:O}";
                var problem = (move.From, move.To) switch
                {
                    _ when move.From != status => $"{what}: the circuit was {status} then",
                    ("Closed", "Open") => Opened(attempts, move, closedAt, options),
                    ("HalfOpen", "Open") => attempts.Any(a => a.At == move.At && a.EventId == move.EventId && a.Probe && !a.Succeeded)
                        ? null : $"{what}: no probe of {move.EventId} failed then",
                    ("Open", "HalfOpen") => openedAt + options.BreakAfter(openings) is var end && end == move.At
                        ? attempts.FirstOrDefault(a => a.At > openedAt && a.At < move.At) is { } early
                            ? $"{what}: {early.EventId} was attempted at {early.At:O}, while it was open"
                            : null
                        : $"{what}: its break of {options.BreakAfter(openings)} from {openedAt:O} ends at {end:O}",
                    ("HalfOpen", "Closed") => attempts.Any(a => a.At == move.At && a.EventId == move.EventId && a.Probe && a.Succeeded)
                        ? null : $"{what}: no probe of {move.EventId} succeeded then",
                    _ => $"{what}: not a move of the breaker",
                };
                if (problem is not null)
                {
                    problems.Add(problem.StartsWith("circuits.json", StringComparison.Ordinal) ? problem : $"{what}: {problem}");
                }

                if (move.To == "Open")
                {
                    openings++;
                    openedAt = move.At;
                }
                else if (move.To == "Closed")
                {
                    openings = 0;
                    closedAt = move.At;
                }

                status = move.To;
            }

            if (circuit.Status != status)
            {
                problems.Add($"circuits.json {app} ends {circuit.Status}, its last move left it {status}");
            }
        }

        return new InvariantCheck(Name, problems.Count == 0,
            problems.Count == 0 ? $"{moves} transitions of {circuits.Circuits.Count} circuits, each where the attempts put it" : string.Join("; ", problems.Take(10)));
    }

    /// <summary>Why a closed circuit's opening is not borne out: the event it names failed then, after the run of failures.</summary>
    private static string? Opened(List<Attempt> attempts, TransitionLine move, DateTimeOffset? closedAt, CircuitBreakerOptions options)
    {
        if (!attempts.Any(a => a.At == move.At && a.EventId == move.EventId && !a.Succeeded && !a.Probe))
        {
            return $"no attempt of {move.EventId} failed then";
        }

        // Attempts at one instant may have been recorded in any order: count every failure since the last success before it.
        var since = attempts.Where(a => a.Succeeded && a.At < move.At && (closedAt is null || a.At >= closedAt)).Select(a => (DateTimeOffset?)a.At).Max() ?? closedAt;
        var failures = attempts.Count(a => !a.Succeeded && !a.Probe && a.At <= move.At && (since is null || a.At >= since));
        return failures >= options.FailureThreshold ? null : $"only {failures} failed attempts since the last success, and it opens after {options.FailureThreshold}";
    }
}
