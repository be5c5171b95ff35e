using System.Net;

namespace ApexOrleans.Storage.Hosting;

/// <summary>Where a silo joins a cluster whose membership is kept in PostgreSQL, and how others reach it.</summary>
public sealed class PostgresClusteringOptions
{
    /// <summary>Npgsql connection string of the membership database; its <c>Search Path</c> picks the schema, as for storage.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The cluster the silo joins: silos with the same id and database form one cluster.</summary>
    public string ClusterId { get; set; } = "";

    /// <summary>The service the cluster runs; grain state is keyed by it, so it stays the same across deployments.</summary>
    public string ServiceId { get; set; } = "apex";

    /// <summary>The port silos reach this silo on.</summary>
    public int SiloPort { get; set; }

    /// <summary>The port clients reach this silo on (0: the silo is no gateway).</summary>
    public int GatewayPort { get; set; }

    /// <summary>The address the silo publishes in the membership table and listens on.</summary>
    public IPAddress AdvertisedAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Refuses settings that cannot form a cluster, naming the setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) || string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            throw new ArgumentException("PostgreSQL clustering needs ConnectionString, ClusterId and ServiceId.");
        }

        if (SiloPort is <= 0 or > 65535 || GatewayPort is < 0 or > 65535)
        {
            throw new ArgumentException($"PostgreSQL clustering: SiloPort {SiloPort} or GatewayPort {GatewayPort} is not a port.");
        }
    }
}
