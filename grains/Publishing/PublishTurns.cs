using System.Collections.Concurrent;

namespace ApexOrleans.Grains.Publishing;

/// <summary>
/// One publish of a key at a time through one gateway: a second publish of the key waits for the first to end. So a
/// claim this gateway holds when it claims again is always one of its own attempts that is over (failed or cut off).
/// </summary>
public sealed class PublishTurns
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _running = new(StringComparer.Ordinal);

    /// <summary>Waits until no other publish of <paramref name="key"/> runs here; disposing the turn lets the next one go.</summary>
    public async Task<IDisposable> TakeAsync(string key)
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (!_running.TryAdd(key, mine))
        {
            if (_running.TryGetValue(key, out var other))
            {
                await other.Task.ConfigureAwait(false);
            }
        }

        return new Turn(this, key, mine);
    }

    private sealed class Turn(PublishTurns turns, string key, TaskCompletionSource mine) : IDisposable
    {
        public void Dispose()
        {
            if (turns._running.TryRemove(new KeyValuePair<string, TaskCompletionSource>(key, mine)))
            {
                mine.SetResult();
            }
        }
    }
}
