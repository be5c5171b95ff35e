using ApexOrleans.Storage.AdoNet;
using ApexOrleans.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.AdoNet;

/// <summary>Connection strings onto a schema of a test's own, and ADO.NET providers made without a silo.</summary>
internal static class AdoNetPostgres
{
    /// <summary>The fixture's server, with a fresh schema first on the search path.</summary>
    public static string FreshSchema(PostgresFixture postgres, out string schema)
    {
        schema = PostgresFixture.NewSchemaName();
        return new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { SearchPath = schema }.ConnectionString;
    }

    /// <summary>The services Orleans' provider takes from a silo: activators, and the service id rows are keyed by.</summary>
    public static IServiceProvider SiloServices(string serviceId = "contract") =>
        new ServiceCollection()
            .AddSerializer()
            .Configure<ClusterOptions>(o => o.ServiceId = serviceId)
            .BuildServiceProvider();

    public static AdoNetPostgresGrainStorage Create(string connectionString, IGrainStorageSerializer? serializer = null, IServiceProvider? services = null) =>
        AdoNetPostgresGrainStorage.Create(services ?? SiloServices(), "Default", connectionString, serializer ?? new WebJsonGrainStorageSerializer());

    public static async Task DropSchemaAsync(PostgresFixture postgres, string schema)
    {
        await using var connection = await postgres.OpenAsync();
        await using var drop = connection.CreateCommand();
        drop.CommandText = $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE";
        await drop.ExecuteNonQueryAsync();
    }
}
