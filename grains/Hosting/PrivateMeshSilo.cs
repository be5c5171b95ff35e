using ApexOrleans.Storage.Hosting;

namespace ApexOrleans.Grains.Hosting;

/// <summary>A silo hosting the mesh as a cluster of its own inside another program: the runner's embedded silo, the tests', the bench's.</summary>
public static class PrivateMeshSilo
{
    /// <summary>Free loopback ports and a cluster id of its own, the mesh on <paramref name="storage"/>, apps from <paramref name="catalogPath"/>.</summary>
    public static ISiloBuilder AddPrivateMeshSilo(this ISiloBuilder silo, GrainStorageChoice storage, string catalogPath) => silo
        .UseLoopbackCluster(siloPort: 0, gatewayPort: 0, LoopbackCluster.PrivateClusterId())
        .AddMeshGrainStorage(storage)
        .AddMesh(o => o.CatalogPath = catalogPath);
}
