using System.Text.Json;
using Orleans.Storage;

namespace ApexOrleans.Bench.Baselines;

/// <summary>
/// What the mesh's storage takes with no mesh on top: writers rewriting grain states through the same provider instance
/// the mesh writes through (its group commit, statements and durability), each state a real one sampled from the mesh's
/// table, so it is JSON of the mesh's shape and compresses as the mesh's does. A mesh event makes several such writes, so
/// this rate divided by the mesh's writes per event is about what that storage allows, however cheap the mesh.
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

    /// <summary>
    /// Gives each of <paramref name="writers"/> its own <paramref name="grainsPerWriter"/> grains, whose states cycle
    /// through <paramref name="samples"/> (stored payloads of the mesh), and writes each once so every later write is an update.
    /// </summary>
    public static async Task<StateRewrites> CreateAsync(IGrainStorage storage, IReadOnlyList<byte[]> samples, int writers, int grainsPerWriter)
    {
        if (samples.Count == 0)
        {
            throw new InvalidOperationException("No stored mesh states to sample: run the mesh before measuring its storage alone.");
        }

        var bodies = samples.Select(Body).ToList();
        var states = new GrainState<RewrittenState>[writers][];
        var grains = new GrainId[writers][];
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var c = 0; c < writers; c++)
        {
            states[c] = new GrainState<RewrittenState>[grainsPerWriter];
            grains[c] = new GrainId[grainsPerWriter];
            for (var g = 0; g < grainsPerWriter; g++)
            {
                states[c][g] = new GrainState<RewrittenState> { State = new RewrittenState { Body = bodies[(c * grainsPerWriter + g) % bodies.Count] } };
                grains[c][g] = GrainId.Create("bench-rewrite", $"{run}-{c}-{g}");
            }
        }

        await Task.WhenAll(Enumerable.Range(0, writers).Select(async c =>
        {
            for (var g = 0; g < grainsPerWriter; g++)
            {
                await storage.WriteStateAsync(StateName, grains[c][g], states[c][g]).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        return new StateRewrites(storage, states, grains);
    }

    private static JsonElement Body(byte[] stored)
    {
        using var document = JsonDocument.Parse(stored);
        return document.RootElement.Clone();
    }

    /// <summary>One writer's write: the next of its grains takes its neighbour's state (so states move between grains), written over its ETag.</summary>
    public Task RewriteAsync(int writer, long iteration)
    {
        var states = _states[writer];
        var slot = (int)(iteration % states.Length);
        states[slot].State = new RewrittenState { Body = states[(slot + 1) % states.Length].State!.Body };
        return _storage.WriteStateAsync(StateName, _grains[writer][slot], states[slot]);
    }
}

/// <summary>A state that serializes to the stored mesh state it holds.</summary>
public sealed class RewrittenState
{
    /// <summary>The sampled state, as stored.</summary>
    public JsonElement Body { get; set; }
}
