using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Cluster;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace ApexOrleans.Silo.Tests;

/// <summary>
/// Three silo processes in one Orleans cluster over one PostgreSQL (membership and grain state), Sarah's day driven
/// over HTTP, and a silo killed with SIGKILL after the fifth publish and never started again. The day completes with
/// every must-pass criterion, a bundle that verifies, and the digest of the same seed on one embedded silo.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterSiloLossTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static string SarahsDay => Path.Combine(AppContext.BaseDirectory, "scenarios", "sarahs-day.json");

    [SkippableFact]
    public async Task ADayGoesOnWhenTheSiloHostingItsTenantIsKilled() =>
        await KillMidRunAsync(ClusterVictim.TenantHost);

    [SkippableFact]
    public async Task ADayMovesToAnotherSiloWhenTheSiloItTalksToIsKilled() =>
        await KillMidRunAsync(ClusterVictim.ClientSilo);

    private async Task KillMidRunAsync(ClusterVictim which)
    {
        using var folder = new TempFolder();
        var clusterId = $"loss-{Guid.NewGuid():N}";
        string[] settings = ["--Apex:Storage", "postgres", "--Apex:Database", postgres.ConnectionString, "--Apex:Cluster", "postgres", "--Apex:ClusterId", clusterId,
            "--Apex:AdvertisedHost", "localhost"]; // a name, as compose gives each silo its service name
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SiloProcess.StartAsync(settings, restart: false)));
        try
        {
            var control = await new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(new RunOptions
            {
                ScenarioPath = SarahsDay, Seed = 42, Mesh = new MeshTarget { Storage = "memory" }, OutputDirectory = folder.File("embedded"),
            });
            SiloProcess? victim = null;
            var progress = new KillAtBeat(5, receipt =>
            {
                victim = which == ClusterVictim.ClientSilo ? silos[0] : HostOf(silos, receipt.Tenant);
                output.WriteLine($"beat 5 published; SIGKILL to the silo at {victim.Url} (silo port {victim.SiloPort})");
                victim.KillNow();
            });

            var outcome = await new ScenarioRunner(progress, TimeProvider.System).RunAsync(new RunOptions
            {
                ScenarioPath = SarahsDay, Seed = 42, Mesh = new MeshTarget { Silo = string.Join(",", silos.Select(s => s.Url)) }, OutputDirectory = folder.File("cluster"),
            }).WaitAsync(TimeSpan.FromMinutes(5));

            Assert.NotNull(victim);
            Assert.True(victim.Dead, "the victim was killed and stayed dead");
            RunAssertions.Holds(outcome, $"{which} killed");
            Assert.Equal(control.Manifest.Digest, outcome.Manifest.Digest);
            output.WriteLine($"{which}: passed, digest {outcome.Manifest.Digest} equals one embedded silo's");
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task TheKillSwitchWorksWhenTheSiloKeepingTheFaultsIsKilled()
    {
        var clusterId = $"keeper-{Guid.NewGuid():N}";
        string[] settings = ["--Apex:Storage", "postgres", "--Apex:Database", postgres.ConnectionString, "--Apex:Cluster", "postgres", "--Apex:ClusterId", clusterId];
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SiloProcess.StartAsync(settings, restart: false)));
        try
        {
            await using var session = await HttpMeshSession.ConnectAsync(string.Join(",", silos.Select(s => s.Url)), null, CancellationToken.None);
            var fault = await session.InjectFaultAsync(
                new FaultRequest { Kind = "app-outage", App = "trutalk", TenantPrefix = "nobody-", Owner = "keeper-test" }, CancellationToken.None);
            var keeper = await KeeperOfFaultsAsync(silos, clusterId);
            output.WriteLine($"the keeper of faults is on the silo at {keeper.Url}; SIGKILL to it");
            keeper.KillNow();

            var reverted = await session.RevertFaultsAsync(null, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

            Assert.Equal(fault.Id, Assert.Single(reverted).Id); // the new keeper took the fault up from the silos that hold it
            foreach (var silo in silos.Where(s => s != keeper))
            {
                Assert.Empty(LocalFaults(silo).EnumerateArray()); // reverted in that silo's own memory
            }
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>The silo process where the cluster's keeper of faults is active, asked as an Orleans cluster client.</summary>
    private async Task<SiloProcess> KeeperOfFaultsAsync(IReadOnlyList<SiloProcess> silos, string clusterId)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client.UseMeshPostgresClustering(postgres.ConnectionString, clusterId));
        builder.Services.AddMeshSerialization();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<Orleans.IClusterClient>();
            var address = await grains.GetGrain<Orleans.Runtime.IManagementGrain>(0)
                .GetActivationAddress(ClusterFaultsGrainFactoryExtensions.ClusterFaults(grains));
            return silos.Single(s => address!.Endpoint.Port == s.SiloPort);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>The faults in one silo's own memory (its /stats), with that silo's development admin key.</summary>
    private static JsonElement LocalFaults(SiloProcess silo)
    {
        using var http = AdminClient(silo);
        return http.GetFromJsonAsync<JsonElement>("/api/v1/activity/stats").GetAwaiter().GetResult().GetProperty("faults");
    }

    /// <summary>The silo process whose silo holds <paramref name="tenant"/>, as the cluster reports it.</summary>
    private static SiloProcess HostOf(IReadOnlyList<SiloProcess> silos, string tenant)
    {
        using var http = AdminClient(silos[0]);
        var reports = http.GetFromJsonAsync<JsonElement>("/api/v1/activity/silos").GetAwaiter().GetResult();
        var host = reports.EnumerateArray().Single(r => r.GetProperty("tenants").EnumerateArray().Any(t => t.GetString() == tenant)).GetProperty("silo").GetString()!;
        return silos.Single(s => host.Contains($":{s.SiloPort}@", StringComparison.Ordinal));
    }

    /// <summary>A client of <paramref name="silo"/>'s API holding its development admin key (loopback only).</summary>
    private static HttpClient AdminClient(SiloProcess silo)
    {
        var http = new HttpClient { BaseAddress = new Uri(silo.Url) };
        var admin = http.GetFromJsonAsync<JsonElement>("/api/v1/dev/keys").GetAwaiter().GetResult().GetProperty("admin").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        return http;
    }

    private enum ClusterVictim
    {
        TenantHost,
        ClientSilo,
    }

    /// <summary>Calls <c>kill</c> once, as the beat <c>number</c> of the run's own tenant is published.</summary>
    private sealed class KillAtBeat(int number, Action<PublishReceipt> kill) : IRunProgress
    {
        private int _published;

        public void Phase(string description)
        {
        }

        public void BeatPublished(BeatProgress beat)
        {
            if (!beat.Receipt.Tenant.EndsWith("-ctl", StringComparison.Ordinal) && Interlocked.Increment(ref _published) == number)
            {
                kill(beat.Receipt);
            }
        }

        public void Finished(Scorecard scorecard, string bundlePath, Manifest manifest)
        {
        }
    }
}
