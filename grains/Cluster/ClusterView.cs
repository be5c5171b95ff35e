using ApexOrleans.Contracts.Cluster;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Grains.Diagnostics;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Grains.Cluster;

/// <summary>What every silo of the cluster holds in memory, asked of each silo's <see cref="ISiloGrain"/> (on a silo).</summary>
public sealed class ClusterView(IGrainFactory grains, IClusterMembershipService membership, IOptions<MeshClusterOptions> options) : IClusterView
{
    /// <summary>
    /// The active silos' addresses, in order, as this silo's membership view has them: read from memory, so asking
    /// every silo (the kill switch above all) works while the membership table's database is down.
    /// </summary>
    public IReadOnlyList<string> Silos() => membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).Order(StringComparer.Ordinal).ToList();

    /// <summary>Asks every active silo at once; a silo that fails or is slower than the timeout is named in <see cref="SiloAnswers{T}.Unreached"/>.</summary>
    public async Task<SiloAnswers<T>> AskEachAsync<T>(Func<ISiloGrain, Task<T>> ask)
    {
        var calls = Silos().Select(async silo =>
        {
            try
            {
                return (silo, Answered: true, Value: await ask(grains.GetGrain<ISiloGrain>(silo)).WaitAsync(options.Value.SiloCallTimeout));
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                return (silo, Answered: false, Value: default(T)!);
            }
        });
        var answers = await Task.WhenAll(calls);
        return new SiloAnswers<T>(
            answers.Where(a => a.Answered).ToDictionary(a => a.silo, a => a.Value, StringComparer.Ordinal),
            answers.Where(a => !a.Answered).Select(a => a.silo).ToList());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SiloReport>> ReportsAsync() => [.. (await AskEachAsync(s => s.ReportAsync())).Answers.Values];

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> TenantsAsync() =>
        (await ReportsAsync()).SelectMany(r => r.Tenants).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <inheritdoc />
    public async Task<IReadOnlyList<MeshActivity>> RecentAsync(string? tenant, int count) =>
        (await AskEachAsync(s => s.RecentAsync(tenant, count))).Answers.Values.SelectMany(a => a).OrderBy(a => a.At).TakeLast(count).ToList();

    /// <inheritdoc />
    public async Task<IReadOnlyList<LatencyPoint>> LatencySeriesAsync(TimeSpan slice, DateTimeOffset since) =>
        MeshTelemetry.SeriesOf((await AskEachAsync(s => s.LatencySamplesAsync(since))).Answers.Values.SelectMany(s => s), slice);

    /// <inheritdoc />
    public async Task<TenantTraces> TracesAsync(string tenant)
    {
        var answers = await AskEachAsync(s => s.SpansAsync(tenant));
        return Merge(answers.Answers.Values, answers.Unreached.Count == 0);
    }

    /// <summary>One tenant's spans as several silos kept them: each span once (ids are unique), by start; complete if every silo's is.</summary>
    public static TenantTraces Merge(IEnumerable<TenantTraces> silos, bool everySiloAnswered)
    {
        var answers = silos.ToList();
        return new([.. answers.SelectMany(s => s.Spans).DistinctBy(s => s.SpanId).OrderBy(s => s.Start).ThenBy(s => s.End)],
            everySiloAnswered && answers.All(a => a.Complete));
    }
}

/// <summary>What the silos answered, by silo address, and the silos that did not.</summary>
public sealed record SiloAnswers<T>(IReadOnlyDictionary<string, T> Answers, IReadOnlyList<string> Unreached);
