using ApexOrleans.Storage;

namespace ApexOrleans.Bench.Harness;

/// <summary>
/// A SQL storage's committed writes over the windows of one series (another series may write through the same storage
/// in between): how many, in how many transactions, how large, and by grain type, so a durable run says where its writes go.
/// </summary>
public sealed class StorageTally(SqlGrainStorage storage)
{
    /// <summary>Writes committed in the windows.</summary>
    public long Writes { get; private set; }

    /// <summary>Transactions committed in the windows.</summary>
    public long Transactions { get; private set; }

    /// <summary>Payload bytes those writes stored.</summary>
    public long Bytes { get; private set; }

    /// <summary>Writes per transaction.</summary>
    public double PerCommit => Writes / (double)Math.Max(1, Transactions);

    /// <summary>Payload bytes per write.</summary>
    public double AverageBytes => Bytes / (double)Math.Max(1, Writes);

    /// <summary>Writes and bytes by grain type over the windows.</summary>
    public Dictionary<string, (long Writes, long Bytes)> ByGrainType { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes per event over the windows, for <paramref name="events"/> business events.</summary>
    public double PerEvent(long events) => Writes / (double)Math.Max(1, events);

    /// <summary>"app 4.11 writes of 4,795 bytes; delivery …": each grain type's writes per event and their average size.</summary>
    public string ByGrainTypePerEvent(long events) => string.Join("; ", ByGrainType.Where(t => t.Value.Writes > 0).OrderByDescending(t => t.Value.Writes)
        .Select(t => $"{t.Key} {t.Value.Writes / (double)Math.Max(1, events):0.00} writes of {t.Value.Bytes / (double)Math.Max(1, t.Value.Writes):N0} bytes"));

    /// <summary>Runs one window of the series and adds what the storage committed during it.</summary>
    public async Task<T> CountAsync<T>(Func<Task<T>> window)
    {
        var (writes, transactions, bytes) = (storage.CommittedWrites, storage.CommittedTransactions, storage.CommittedPayloadBytes);
        var byType = storage.CommittedByGrainType;
        var result = await window();
        Writes += storage.CommittedWrites - writes;
        Transactions += storage.CommittedTransactions - transactions;
        Bytes += storage.CommittedPayloadBytes - bytes;
        foreach (var (type, now) in storage.CommittedByGrainType)
        {
            var before = byType.GetValueOrDefault(type);
            var sum = ByGrainType.GetValueOrDefault(type);
            ByGrainType[type] = (sum.Writes + now.Writes - (before?.Writes ?? 0), sum.Bytes + now.Bytes - (before?.Bytes ?? 0));
        }

        return result;
    }
}
