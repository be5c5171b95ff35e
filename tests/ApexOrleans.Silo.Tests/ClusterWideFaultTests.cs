using System.Net;
using ApexOrleans.Grains.Chaos;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Silo.Tests;

/// <summary>Three silo web applications joined in one cluster on loopback: faults, tenants and activity are the cluster's, read and switched from any silo.</summary>
public sealed class ClusterWideFaultTests
{
    [Fact]
    public async Task TheKillSwitchOnAnySiloHasRevertedEveryFaultOnEverySiloWhenItAnswers()
    {
        await using var cluster = await SiloCluster.StartAsync(3);
        var (a, b, c) = (cluster.Silos[0], cluster.Silos[1], cluster.Silos[2]);

        var (created, fault) = await b.AdminSendAsync(HttpMethod.Post, "/api/v1/faults", new { kind = "app-outage", app = "jubeelove", tenantPrefix = "nobody-", owner = "x" });
        Assert.Equal(HttpStatusCode.Created, created);
        var id = fault.GetProperty("id").GetString();
        foreach (var silo in cluster.Silos)
        {
            // Read from each silo's own memory right after the answer: no waiting, no polling.
            Assert.Equal(id, Assert.Single(Board(silo).Active).Id);
        }

        Assert.Equal(id, Assert.Single((await c.AdminGetAsync("/api/v1/faults")).EnumerateArray()).GetProperty("id").GetString());
        await a.AdminSendAsync(HttpMethod.Post, "/api/v1/faults", new { kind = "delivery-delay", delayMs = 5, tenantPrefix = "nobody-", owner = "y" });

        var (status, reverted) = await c.AdminSendAsync(HttpMethod.Delete, "/api/v1/faults", null);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, reverted.GetProperty("faults").GetArrayLength());
        Assert.Empty(reverted.GetProperty("unreached").EnumerateArray());
        Assert.All(cluster.Silos, silo => Assert.Empty(Board(silo).Active));
        Assert.Empty((await a.AdminGetAsync("/api/v1/faults")).EnumerateArray());
    }

    [Fact]
    public async Task ASiloThatJoinsTakesUpTheFaultsAlreadyOnAndIdsAreNeverReused()
    {
        await using var cluster = await SiloCluster.StartAsync(2);
        var (_, first) = await cluster.Silos[0].AdminSendAsync(HttpMethod.Post, "/api/v1/faults", new { kind = "app-outage", app = "omnihub", tenantPrefix = "nobody-" });
        await cluster.Silos[1].AdminSendAsync(HttpMethod.Delete, $"/api/v1/faults/{first.GetProperty("id").GetString()}", null);
        var (_, second) = await cluster.Silos[1].AdminSendAsync(HttpMethod.Post, "/api/v1/faults", new { kind = "app-outage", app = "omnihub", tenantPrefix = "nobody-" });
        Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());

        var joined = await cluster.JoinAsync();

        await ApiTests.Eventually(() => Task.FromResult(Board(joined).Active.Any(f => f.Id == second.GetProperty("id").GetString())));
        var (_, reverted) = await joined.AdminSendAsync(HttpMethod.Delete, "/api/v1/faults", null);
        Assert.Single(reverted.GetProperty("faults").EnumerateArray());
        Assert.All(cluster.Silos, silo => Assert.Empty(Board(silo).Active));
    }

    [Fact]
    public async Task AnySiloListsTheTenantsAndSilosOfTheWholeCluster()
    {
        await using var cluster = await SiloCluster.StartAsync(3);
        var runs = Enumerable.Range(0, 9).Select(i => $"spread-{i}").ToList();
        foreach (var run in runs)
        {
            await cluster.Silos[0].CreateRunAsync(run);
        }

        var silos = (await cluster.Silos[2].AdminGetAsync("/api/v1/activity/silos")).EnumerateArray().ToList();
        Assert.Equal(3, silos.Count);
        var holders = silos.Where(s => s.GetProperty("tenants").EnumerateArray().Any(t => t.GetString()!.StartsWith("spread-", StringComparison.Ordinal))).ToList();
        Assert.True(holders.Count > 1, "nine runs' tenants all sit on one silo: tenant placement did not spread them");
        var listed = (await cluster.Silos[1].AdminGetAsync("/api/v1/tenants")).EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.All(runs, run => Assert.Contains(run, listed));
    }

    private static FaultSwitchboard Board(RunningSilo silo) => silo.App.Services.GetRequiredService<FaultSwitchboard>();
}
