using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Mesh.Tests;

/// <summary>
/// A silo joins a cluster whose tenants are running. It wins some of those tenants' placement hashing, yet their new
/// grains must join the silo that holds their clock and timeline: a tenant split over two silos would run two clocks.
/// </summary>
public sealed class SiloJoinTests
{
    [Fact]
    public async Task ASiloThatJoinsMidRunDoesNotSplitTheTenantsAlreadyRunning()
    {
        await using var silo = await MeshSilo.StartAsync();
        var before = Enumerable.Range(0, 12).Select(i => $"join-{i}").ToList();
        foreach (var tenant in before)
        {
            await StartAsync(silo, tenant);
            await PlayBeatAsync(silo, tenant, 1); // TradeLine 24/7, OmniHub and JubeeLove activate on the only silo
        }

        await silo.AddSilosAsync(2);
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        var first = await management.GetActivationAddress(silo.Grains.GetGrain<ITenantGrain>(before[0]));
        foreach (var tenant in before)
        {
            await PlayBeatAsync(silo, tenant, 2); // AutoRepairAI and FLOWBills activate now, with three silos to choose from
            var homes = await HomesAsync(silo, tenant, "autorepai", "flowbills", "omnihub");
            Assert.True(homes.Distinct().Count() == 1, $"tenant {tenant} is split over {string.Join(", ", homes.Distinct())}");
            Assert.Equal(first, homes[0]);
            Assert.Equal(1, (await silo.Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant, "flowbills")).GetAsync()).AppliedCount);
        }

        // Tenants started after the join are spread over the new silos too.
        var after = new HashSet<SiloAddress>();
        for (var i = 0; i < 12; i++)
        {
            var tenant = $"joined-{i}";
            await StartAsync(silo, tenant);
            await PlayBeatAsync(silo, tenant, 1);
            var homes = await HomesAsync(silo, tenant, "tradeline247", "omnihub");
            Assert.Single(homes.Distinct());
            after.Add(homes[0]);
        }

        Assert.Contains(after, home => !home.Equals(first));
    }

    private static async Task StartAsync(MeshSilo silo, string tenant) =>
        await silo.Grains.GetGrain<ITenantGrain>(tenant).ConfigureAsync(new RunSettings { ClockStart = MeshSilo.DayStart });

    private static async Task PlayBeatAsync(MeshSilo silo, string tenant, int number)
    {
        var beat = SarahsDay.Get(number);
        var run = silo.Grains.GetGrain<ITenantGrain>(tenant);
        await run.AdvanceAsync(beat.Time);
        await silo.Gateway.PublishAsync(tenant, beat.Event);
        await run.SettleAsync(beat.Time.AddHours(1));
    }

    /// <summary>The silos holding the tenant's own grain and the given apps' app and queue grains, in that order.</summary>
    private static async Task<List<SiloAddress>> HomesAsync(MeshSilo silo, string tenant, params string[] apps)
    {
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        var homes = new List<SiloAddress> { (await management.GetActivationAddress(silo.Grains.GetGrain<ITenantGrain>(tenant)))! };
        foreach (var app in apps)
        {
            homes.Add((await management.GetActivationAddress(silo.Grains.GetGrain<IAppGrain>(MeshKeys.For(tenant, app))))!);
            homes.Add((await management.GetActivationAddress(silo.Grains.GetGrain<IDeliveryGrain>(MeshKeys.For(tenant, app))))!);
        }

        return homes;
    }
}
