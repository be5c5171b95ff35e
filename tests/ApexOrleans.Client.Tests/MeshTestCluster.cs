using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Grains.Hosting;
using ApexOrleans.Storage;
using ApexOrleans.Storage.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace ApexOrleans.Client.Tests;

/// <summary>
/// An Orleans test cluster of several silos in this process hosting the mesh, over real sockets so that a cluster client
/// (<c>apex run --cluster</c>) can reach its gateways. Its silos share one memory store, as silos share a database.
/// </summary>
internal static class MeshTestCluster
{
    /// <summary>Deploys <paramref name="silos"/> silos; dispose the cluster to stop them.</summary>
    public static async Task<TestCluster> DeployAsync(int silos)
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.Options.ServiceId = LoopbackCluster.ServiceId;
        builder.Options.ClusterId = LoopbackCluster.PrivateClusterId();
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ConfigureFileLogging = false;
        builder.AddSiloBuilderConfigurator<MeshSilo>();
        builder.AddClientBuilderConfigurator<MeshClient>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>The cluster's gateways as <c>apex run --cluster</c> takes them.</summary>
    public static string Gateways(TestCluster cluster) =>
        string.Join(",", Enumerable.Range(0, cluster.Silos.Count).Select(i => $"127.0.0.1:{cluster.Options.BaseGatewayPort + i}"));

    private static readonly MemoryGrainStore SharedStore = new();

    private sealed class MeshSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo
            .AddMeshGrainStorage(GrainStorageChoice.Memory(SharedStore))
            .AddMesh(o => o.CatalogPath = AppCatalog.DefaultPath)
            // A killed silo is declared dead in about ten seconds, not Orleans' half-minute; not faster: on a CI machine busy with
            // the other tests, 1-second probes risk declaring live silos dead (one full run hung with them; not proven why).
            .Configure<ClusterMembershipOptions>(o => (o.ProbeTimeout, o.NumMissedProbesLimit) = (TimeSpan.FromSeconds(3), 3));
    }

    private sealed class MeshClient : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client) => client.Services.AddMeshSerialization();
    }
}
