using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ApexOrleans.Bench.Baselines;

/// <summary>
/// The baseline a grain call is measured against: a per-key actor with a channel mailbox that answers requests
/// one at a time, found by key in a concurrent dictionary. No proxies, no activation lifecycle, no timeouts.
/// </summary>
public sealed class BareActor
{
    private readonly Channel<TaskCompletionSource<long>> _mailbox = Channel.CreateUnbounded<TaskCompletionSource<long>>(new UnboundedChannelOptions { SingleReader = true });
    private long _count;

    private BareActor() => _ = Task.Run(RunAsync);

    /// <summary>The actors by key, created on first use.</summary>
    public sealed class Directory
    {
        private readonly ConcurrentDictionary<string, BareActor> _actors = new();

        /// <summary>The actor of <paramref name="key"/>.</summary>
        public BareActor Get(string key) => _actors.GetOrAdd(key, _ => new BareActor());
    }

    /// <summary>Sends a request and awaits the answer (the count after this request).</summary>
    public Task<long> IncrementAsync()
    {
        var answer = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _mailbox.Writer.TryWrite(answer);
        return answer.Task;
    }

    private async Task RunAsync()
    {
        await foreach (var request in _mailbox.Reader.ReadAllAsync())
        {
            request.SetResult(++_count);
        }
    }
}
