using System.Net;
using System.Net.Sockets;

namespace ApexOrleans.Grains.Hosting;

/// <summary>
/// A silo clustered on the loopback interface (Orleans' localhost clustering): one silo, or several in one process
/// or on one machine, each with its own silo and gateway ports. Port 0 takes a free port: two silos given one port both
/// start and share it without a word, so tests and embedded silos never pick ports by hand.
/// </summary>
public static class LoopbackCluster
{
    /// <summary>The service id every mesh silo shares (storage and membership are scoped by it).</summary>
    public const string ServiceId = "apex";

    /// <summary>
    /// Clusters <paramref name="builder"/> on 127.0.0.1; a port of 0 is replaced by a free one. With
    /// <paramref name="primarySiloPort"/> the silo joins the silo listening there (Orleans' development clustering:
    /// that silo keeps the membership, so the cluster lives as long as it does).
    /// </summary>
    public static ISiloBuilder UseLoopbackCluster(this ISiloBuilder builder, int siloPort, int gatewayPort, string clusterId, int primarySiloPort = 0)
    {
        siloPort = siloPort == 0 ? FreePort() : siloPort;
        return builder.UseLocalhostClustering(
            siloPort: siloPort,
            gatewayPort: gatewayPort == 0 ? FreePort() : gatewayPort,
            primarySiloEndpoint: primarySiloPort == 0 ? null : new IPEndPoint(IPAddress.Loopback, primarySiloPort),
            serviceId: ServiceId,
            clusterId: clusterId);
    }

    /// <summary>A cluster id no other silo on this machine uses: an embedded silo is a cluster of its own.</summary>
    public static string PrivateClusterId() => $"apex-{Guid.NewGuid():N}";

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
