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

    /// <summary>
    /// Checks every circuit of <paramref name="circuits"/> against the attempts of <paramref name="deliveries"/>, and, given
    /// the scenario's <paramref name="beatTimes"/>, the states read around each beat against the transitions.
    /// </summary>
    public static InvariantCheck Check(CircuitsFile circuits, IReadOnlyList<EventLine> deliveries, CircuitBreakerOptions options, IReadOnlyList<DateTimeOffset>? beatTimes = null)
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

        if (beatTimes is not null)
        {
            problems.AddRange(BeatStates(circuits, beatTimes));
        }

        return new InvariantCheck(Name, problems.Count == 0,
            problems.Count == 0 ? $"{moves} transitions of {circuits.Circuits.Count} circuits, each where the attempts put it" : string.Join("; ", problems.Take(10)));
    }

    /// <summary>
    /// The states read around each beat (<c>circuits.json</c> beats): one entry per beat of the scenario, in order; what was
    /// read after a beat is what was read before the next (one reading); and each state read is one the circuit's own
    /// transitions put it in between that beat's time and the next's (the reading falls somewhere in between).
    /// </summary>
    private static IEnumerable<string> BeatStates(CircuitsFile circuits, IReadOnlyList<DateTimeOffset> beatTimes)
    {
        if (!circuits.Beats.Select(b => b.Beat).SequenceEqual(Enumerable.Range(1, beatTimes.Count)))
        {
            yield return $"circuits.json beats are [{string.Join(", ", circuits.Beats.Select(b => b.Beat))}], the scenario's are 1 to {beatTimes.Count}";
            yield break;
        }

        for (var i = 0; i < circuits.Beats.Count; i++)
        {
            var beat = circuits.Beats[i];
            var (from, to) = (beatTimes[i], i + 1 < beatTimes.Count ? beatTimes[i + 1] : DateTimeOffset.MaxValue);
            foreach (var (app, state) in beat.Before)
            {
                if (Possible(circuits, app, from, to) is { } possible && !possible.Contains(state))
                {
                    yield return $"circuits.json beats[{i}].before.{app}: {state}, its transitions give {string.Join(" or ", possible)} from {from:O} until the next beat";
                }
            }

            if (i + 1 < circuits.Beats.Count)
            {
                var after = circuits.Beats[i + 1].Before;
                foreach (var (app, state) in beat.After.Where(a => after.TryGetValue(a.Key, out var read) && read != a.Value))
                {
                    yield return $"circuits.json beats[{i}].after.{app}: {state}, but beats[{i + 1}].before, the same reading, says {after[app]}";
                }
            }
            else
            {
                foreach (var (app, state) in beat.After)
                {
                    if (Possible(circuits, app, from, to) is { } possible && !possible.Contains(state))
                    {
                        yield return $"circuits.json beats[{i}].after.{app}: {state}, its transitions give {string.Join(" or ", possible)} after the last beat";
                    }
                }
            }
        }
    }

    /// <summary>The states <paramref name="app"/>'s circuit was in between <paramref name="from"/> and <paramref name="to"/>; null for a circuit the file does not list.</summary>
    private static HashSet<string>? Possible(CircuitsFile circuits, string app, DateTimeOffset from, DateTimeOffset to)
    {
        if (!circuits.Circuits.TryGetValue(app, out var circuit))
        {
            return null;
        }

        var states = new HashSet<string>(StringComparer.Ordinal) { circuit.Transitions.LastOrDefault(t => t.At < from)?.To ?? "Closed" };
        states.UnionWith(circuit.Transitions.Where(t => t.At >= from && t.At < to).Select(t => t.To));
        return states;
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
