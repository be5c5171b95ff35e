namespace ApexOrleans.Grains.Tenancy;

/// <summary>A tenant at run time: its settings, its timeline, and how far its event sequence has come.</summary>
public sealed class Tenant
{
    private long _currentSequence;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _keysUsed = new(StringComparer.Ordinal);

    internal Tenant(string id, TenantSettings settings, TenantTimeline timeline, bool configured)
    {
        Id = id;
        Settings = settings;
        Timeline = timeline;
        Configured = configured;
    }

    /// <summary>Whether a run configured it (rather than it being created with defaults when first touched).</summary>
    public bool Configured { get; }

    /// <summary>The tenant id (the first part of its grains' keys).</summary>
    public string Id { get; }

    /// <summary>The tenant's settings.</summary>
    public TenantSettings Settings { get; }

    /// <summary>The tenant's deferred work and clock.</summary>
    public TenantTimeline Timeline { get; }

    /// <summary>The tenant's clock.</summary>
    public TimeProvider Clock => Timeline.Clock;

    /// <summary>The idempotency keys published under (each one a grain of this tenant), for retiring its grains at once.</summary>
    internal IEnumerable<string> KeysUsed => _keysUsed.Keys;

    /// <summary>
    /// Notes that a publish used <paramref name="idempotencyKey"/>, up to <see cref="KeysTracked"/>: a long-lived tenant (the
    /// silo's default one, which is never retired) must not keep every key it ever saw; past the limit its key grains are
    /// left to idle collection, as before.
    /// </summary>
    internal void UsedKey(string idempotencyKey)
    {
        if (_keysUsed.Count < KeysTracked)
        {
            _keysUsed.TryAdd(idempotencyKey, 0);
        }
    }

    /// <summary>The most idempotency keys a tenant remembers for its retirement.</summary>
    internal const int KeysTracked = 4096;

    /// <summary>The highest sequence number published so far (outage windows are stated in sequence numbers).</summary>
    public long CurrentSequence => Interlocked.Read(ref _currentSequence);

    /// <summary>Notes that an event with <paramref name="sequence"/> was published.</summary>
    public void ObserveSequence(long sequence)
    {
        var current = Interlocked.Read(ref _currentSequence);
        while (sequence > current)
        {
            var seen = Interlocked.CompareExchange(ref _currentSequence, sequence, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
