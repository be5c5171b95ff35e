using ApexOrleans.Storage.AdoNet;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace ApexOrleans.Storage.Hosting;

/// <summary>Joins silos, and connects clients, through a membership table in PostgreSQL (Orleans' <c>Microsoft.Orleans.Clustering.AdoNet</c>).</summary>
public static class PostgresClusteringExtensions
{
    /// <summary>
    /// Makes the silo a member of <paramref name="clusterId"/> in the PostgreSQL database of <paramref name="connectionString"/>,
    /// reachable by silos on 127.0.0.1:<paramref name="siloPort"/> and by clients on <paramref name="gatewayPort"/>.
    /// </summary>
    public static ISiloBuilder UseMeshPostgresClustering(this ISiloBuilder builder, string connectionString, string clusterId, int siloPort, int gatewayPort) =>
        builder.UseMeshPostgresClustering(new PostgresClusteringOptions
        {
            ConnectionString = connectionString,
            ClusterId = clusterId,
            SiloPort = siloPort,
            GatewayPort = gatewayPort,
        });

    /// <summary>
    /// Makes the silo a member of the cluster <paramref name="options"/> names; the database's tables and queries are set up
    /// (<see cref="OrleansPostgresSchema"/>) when the silo starts, before it joins.
    /// </summary>
    public static ISiloBuilder UseMeshPostgresClustering(this ISiloBuilder builder, PostgresClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        builder.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        builder.ConfigureEndpoints(options.AdvertisedAddress, options.SiloPort, options.GatewayPort);
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new OrleansPostgresSchemaSetup(options.ConnectionString));
        return builder.UseAdoNetClustering(adoNet =>
        {
            adoNet.Invariant = OrleansPostgresSchema.Invariant;
            adoNet.ConnectionString = options.ConnectionString;
        });
    }

    /// <summary>
    /// Connects the client to the gateways of <paramref name="clusterId"/> listed in the PostgreSQL database of
    /// <paramref name="connectionString"/>. The client only reads: a silo sets the database up.
    /// </summary>
    public static IClientBuilder UseMeshPostgresClustering(this IClientBuilder builder, string connectionString, string clusterId, string serviceId = "apex")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        builder.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = clusterId;
            cluster.ServiceId = serviceId;
        });
        return builder.UseAdoNetClustering(adoNet =>
        {
            adoNet.Invariant = OrleansPostgresSchema.Invariant;
            adoNet.ConnectionString = connectionString;
        });
    }
}
