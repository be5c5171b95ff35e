using System.Collections.Concurrent;
using System.Text;
using ApexOrleans.Bench.Baselines;
using ApexOrleans.Bench.Harness;
using ApexOrleans.Bench.Workloads;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Silo.Hosting;
using ApexOrleans.Storage.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ApexOrleans.Grains.Publishing;

namespace ApexOrleans.Bench.Suites;

/// <summary>
/// (c) Publishing through the silo's HTTP API (keys, validation, idempotency, the whole mesh behind it; memory storage,
/// so this compares the HTTP and mesh path, not a disk) against a bare minimal-API POST of the same CloudEvent body.
/// </summary>
public static class HttpSuite
{
    /// <summary>The share of the bare POST rate the mesh alone must reach (issue 24).</summary>
    private const double MeshShareOfBarePost = 0.30;

    /// <summary>The share of the mesh alone that publishing over HTTP must keep (issue 24).</summary>
    private const double HttpShareOfMesh = 0.90;

    /// <summary>
    /// Measures all three and checks issue 24's targets: the mesh alone (in-process, memory storage, every delivery done)
    /// at least 30 % of the bare POST rate, and HTTP publishes at least 90 % of that mesh alone.
    /// </summary>
    public static async Task RunAsync(BenchOptions options, BenchReport report, MeshDays days, Action<string> log)
    {
        log($"(c) silo HTTP publish vs a bare minimal-API POST, {options.Clients} clients over loopback");
        var app = SiloHost.Create(["--urls", "http://127.0.0.1:0", "--Apex:Storage", GrainStorageKinds.Memory, "--Apex:Apps", options.CatalogPath, "--Logging:LogLevel:Default", "Warning"]);
        await app.StartAsync();
        try
        {
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            await using var session = await HttpMeshSession.ConnectAsync(url, null, CancellationToken.None);
            var target = new HttpTarget(session, app.Services.GetRequiredService<MeshTenants>());
            await using var bare = await BareHttpEndpoint.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(bare.Url) };
            var bodies = days.Beats.Select(b => Encoding.UTF8.GetString(MeshCloudEvents.Encode(b))).ToArray();
            async Task Post(int client, long i)
            {
                using var content = new StringContent(bodies[i % bodies.Length], Encoding.UTF8, "application/cloudevents+json");
                using var response = await http.PostAsync("/events", content);
                response.EnsureSuccessStatusCode();
            }

            Task<double> Bare() => Throughput.MeasureAsync(options.Clients, options.Window, Post);
            var accepted = new List<double>();
            var siloRate = days.EndToEndRate(target, options.Clients, options.Window, accepted);

            // The same silo's mesh with no HTTP in front: what the HTTP path could reach if it cost nothing.
            var inProcess = new EmbeddedTarget(app.Services.GetRequiredService<MeshGateway>(), app.Services.GetRequiredService<MeshTenants>());
            var meshRate = days.EndToEndRate(inProcess, options.Clients, options.Window, []);

            await Bare();
            await siloRate();
            await meshRate();
            accepted.Clear();
            var measured = await Throughput.InterleaveAsync(options.Repetitions, "per s", log, ("bare minimal-API POSTs", Bare),
                ("silo HTTP publishes (every delivery done)", siloRate), ("the same silo's mesh, published in-process (every delivery done)", meshRate));
            report.Measurements.AddRange(measured);
            report.Measurements.Add(new Measurement("silo HTTP publishes accepted while publishing (deliveries behind)", "per s", accepted));
            report.Ratio("the mesh alone (memory storage, in-process, every delivery done) ≥ 30 % of a bare minimal-API POST", measured[0], measured[2], MeshShareOfBarePost);
            report.Ratio("HTTP publishes ≥ 90 % of the mesh alone", measured[2], measured[1], HttpShareOfMesh);
            report.Notes.Add($"HTTP: HTTP publishes reached {measured[1].Median / measured[0].Median:P0} of the bare POST rate; the mesh alone, with no HTTP " +
                $"at all, {measured[2].Median / measured[0].Median:P0}: however cheap the HTTP path, publishes with every delivery done can at best approach that.");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// Publishes over HTTP into a run of its own per tenant (created at its first publish, as a client must since runs have
    /// their own keys), reads settling in-process from the silo it is talking to, and ends each run over HTTP.
    /// </summary>
    private sealed class HttpTarget(HttpMeshSession session, MeshTenants tenants) : IMeshTarget
    {
        private readonly ConcurrentDictionary<string, Lazy<Task>> _runs = new();

        public async Task PublishAsync(string tenant, EventEnvelope envelope)
        {
            await _runs.GetOrAdd(tenant, id => new Lazy<Task>(() => session.StartTenantAsync(id,
                new RunSettings { Clock = RunClock.Real, ClockStart = DateTimeOffset.UtcNow }, listed: false, CancellationToken.None))).Value;
            await session.PublishAsync(tenant, envelope, CancellationToken.None);
        }

        public bool IsSettled(string tenant) => tenants.IsSettled(tenant);

        public async Task RetireAsync(string tenant)
        {
            await session.EndTenantAsync(tenant, CancellationToken.None);
            _runs.TryRemove(tenant, out _);
        }
    }
}
