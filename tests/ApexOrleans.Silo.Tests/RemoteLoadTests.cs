using ApexOrleans.Client.Load;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Verification;
using ApexOrleans.Contracts.Serialization;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Silo.Tests;

public sealed class RemoteLoadTests
{
    private sealed class Ticks : ILoadProgress
    {
        public List<LoadTick> Seen { get; } = [];

        public void Phase(string description)
        {
        }

        public void Tick(LoadTick tick)
        {
            lock (Seen)
            {
                Seen.Add(tick);
            }
        }

        public void Finished(LoadSummary summary, string bundlePath)
        {
        }
    }

    [Fact]
    public async Task ALoadAgainstARemoteSiloHoldsEveryGuaranteeAndLeavesNoTenantBehind()
    {
        using var folder = new TempFolder();
        await using var silo = await RunningSilo.StartAsync();
        var progress = new Ticks();

        var outcome = await new LoadRunner(progress, TimeProvider.System).RunAsync(new LoadOptions
        {
            ScenarioPath = Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json"),
            Mesh = new MeshTarget { Silo = silo.Url }, Tenants = 8, Concurrency = 4, Seed = 100, OutputDirectory = folder.Path,
        });

        Assert.True(outcome.Summary.Passed, string.Join("; ", outcome.Summary.Failures));
        Assert.Equal((8, 8 * 13L), (outcome.Summary.Tenants, outcome.Summary.Events));
        Assert.Equal(silo.Url.TrimEnd('/'), outcome.Summary.Silo);
        Assert.True(outcome.Summary.Activations.Peak > 0, "the silo's activations were sampled over its API");
        using (var reader = LoadBundleReader.TryOpen(outcome.BundlePath)!)
        {
            Assert.All(LoadVerifier.Verify(reader), c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        }

        // Each finished tenant was retired on the silo, and none was put on the dashboard's run list. Only the default tenant may
        // remain: the silo wakes it in the background when it starts, so a count taken at start may or may not include it.
        Assert.All(silo.App.Services.GetRequiredService<MeshTenants>().All, t => Assert.Equal(MeshKeys.DefaultTenant, t.Id));
        var runs = await silo.AdminGetAsync("/api/v1/runs");
        Assert.DoesNotContain(runs.EnumerateArray(), r => r.GetProperty("runId").GetString()!.StartsWith(outcome.Summary.LoadId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RetiringARunFreesItsTenantAndAnUnknownRunIsNotFound()
    {
        await using var silo = await RunningSilo.StartAsync();
        var keys = await silo.KeysAsync();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/runs")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { runId = "retire-me", settings = new RunSettings(), listed = false }, options: MeshJson.Options),
        };
        create.Headers.Authorization = new("Bearer", keys.Admin);
        (await silo.Http.SendAsync(create)).EnsureSuccessStatusCode();
        Assert.True(silo.App.Services.GetRequiredService<MeshTenants>().TryGet("retire-me", out _));

        async Task<int> DeleteAsync()
        {
            using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/runs/retire-me");
            delete.Headers.Authorization = new("Bearer", keys.Admin);
            return (int)(await silo.Http.SendAsync(delete)).StatusCode;
        }

        Assert.Equal(204, await DeleteAsync());
        Assert.False(silo.App.Services.GetRequiredService<MeshTenants>().TryGet("retire-me", out _));
        Assert.Equal(404, await DeleteAsync());
        var runs = await silo.AdminGetAsync("/api/v1/runs");
        Assert.DoesNotContain(runs.EnumerateArray(), r => r.GetProperty("runId").GetString() == "retire-me");
    }
}
