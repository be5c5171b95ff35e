using System.Text.Json;
using ApexOrleans.Runtime;
using ApexOrleans.Runtime.Storage;

namespace ApexOrleans.Bench.Baselines;

/// <summary>
/// What the mesh's storage takes with no mesh on top: clients rewriting grain states through the same provider instance
/// the mesh writes through (its group commit, statements and durability), each state a real one sampled from the mesh's
/// table, so it has the mesh's sizes and compresses as the mesh's do. A mesh event makes several such writes, so this rate
/// divided by the mesh's writes per event bounds the mesh's events per second on that storage, however cheap the mesh.
/// </summary>
public sealed class StateRewrites
{
    private const string StateName = "bench-rewrite";
    private readonly IGrainStorage _storage;
    private readonly GrainState<RewrittenState>[][] _states;
    private readonly GrainId[][] _grains;

    private StateRewrites(IGrainStorage storage, GrainState<RewrittenState>[][] states, GrainId[][] grains)
    {
        _storage = storage;
        _states = states;
        _grains = grains;
    }

    /// <summary>The average payload of the sampled states, in bytes.</summary>
    public double AveragePayloadBytes { get; private init; }

    /// <summary>
    /// Gives each of <paramref name="clients"/> its own <paramref name="grainsPerClient"/> grains, whose states cycle through
    /// <paramref name="samples"/> (stored payloads of the mesh), and writes each once so every later write is an update.
    /// </summary>
    public static async Task<StateRewrites> CreateAsync(IGrainStorage storage, IReadOnlyList<byte[]> samples, int clients, int grainsPerClient)
    {
        if (samples.Count == 0)
        {
            throw new InvalidOperationException("No stored mesh states to sample: run the mesh before measuring its storage alone.");
        }

        var bodies = samples.Select(s => JsonDocument.Parse(s).RootElement.Clone()).ToList();
        var states = new GrainState<RewrittenState>[clients][];
        var grains = new GrainId[clients][];
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var c = 0; c < clients; c++)
        {
            states[c] = new GrainState<RewrittenState>[grainsPerClient];
            grains[c] = new GrainId[grainsPerClient];
            for (var g = 0; g < grainsPerClient; g++)
            {
                states[c][g] = new GrainState<RewrittenState> { State = new RewrittenState { Body = bodies[(c * grainsPerClient + g) % bodies.Count] } };
                grains[c][g] = new GrainId("bench-rewrite", $"{run}-{c}-{g}");
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            for (var g = 0; g < grainsPerClient; g++)
            {
                await storage.WriteStateAsync(StateName, grains[c][g], states[c][g]).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        return new StateRewrites(storage, states, grains) { AveragePayloadBytes = samples.Average(s => s.Length) };
    }

    /// <summary>One client's write: the next of its grains gets the next sampled state, written over its ETag.</summary>
    public Task RewriteAsync(int client, long iteration)
    {
        var states = _states[client];
        var slot = (int)(iteration % states.Length);
        var state = states[(slot + 1) % states.Length].State.Body; // a different body than last time, as a grain's state changes
        states[slot].State = new RewrittenState { Body = state };
        return _storage.WriteStateAsync(StateName, _grains[client][slot], states[slot]);
    }
}

/// <summary>A state that serializes to the stored mesh state it holds.</summary>
public sealed class RewrittenState
{
    /// <summary>The sampled state, as stored.</summary>
    public JsonElement Body { get; set; }
}
