namespace ApexOrleans.Storage;

/// <summary>Options of <see cref="PostgresGrainStorage"/>.</summary>
public sealed class PostgresGrainStorageOptions
{
    /// <summary>Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=5432;Username=apex;Database=apex</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The schema the table lives in; created if missing.</summary>
    public string Schema { get; set; } = "public";

    /// <summary>The table grain state is kept in.</summary>
    public string TableName { get; set; } = "grain_state";

    /// <summary>How many statements each connection keeps prepared, unless the connection string sets <c>Max Auto Prepare</c>.</summary>
    public int PreparedStatements { get; set; } = 16;

    /// <summary>Group commit of writes across grains.</summary>
    public WriteBatchingOptions Batching { get; set; } = new();
}
