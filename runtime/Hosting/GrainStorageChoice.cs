using ApexOrleans.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Runtime.Hosting;

/// <summary>Which storage a silo keeps grain state in: memory, a SQLite file (the embedded default) or PostgreSQL.</summary>
public abstract record GrainStorageChoice
{
    /// <summary>In-memory storage over <paramref name="store"/>; pass the same store to keep state across silo restarts.</summary>
    public static GrainStorageChoice Memory(MemoryGrainStore? store = null) => new MemoryChoice(store ?? new MemoryGrainStore());

    /// <summary>A SQLite database file.</summary>
    public static GrainStorageChoice Sqlite(string path) => new SqliteChoice(new SqliteGrainStorageOptions { DataSource = path });

    /// <summary>A PostgreSQL database.</summary>
    public static GrainStorageChoice Postgres(string connectionString, string schema = "public") =>
        new PostgresChoice(new PostgresGrainStorageOptions { ConnectionString = connectionString, Schema = schema });

    /// <summary>
    /// The storage named <paramref name="kind"/> (memory, sqlite or postgres), as command lines and configuration name it:
    /// <paramref name="database"/> is the SQLite file (default <paramref name="defaultSqliteFile"/>) or the PostgreSQL
    /// connection string (default the <c>APEX_POSTGRES</c> environment variable). Throws naming what is wrong.
    /// </summary>
    public static GrainStorageChoice Named(string kind, string? database, string defaultSqliteFile) => kind switch
    {
        "memory" => Memory(),
        "sqlite" => Sqlite(database ?? defaultSqliteFile),
        "postgres" => Postgres(database ?? Environment.GetEnvironmentVariable("APEX_POSTGRES")
            ?? throw new ArgumentException("postgres storage needs a database connection string (or APEX_POSTGRES).")),
        _ => throw new ArgumentException($"storage '{kind}': use memory, sqlite or postgres."),
    };

    /// <summary>The kind of storage, as named on command lines: memory, sqlite or postgres.</summary>
    public abstract string Kind { get; }

    internal abstract IGrainStorage CreateStorage(IServiceProvider services);

    private static IGrainStateSerializer Serializer(IServiceProvider services) => services.GetRequiredService<IGrainStateSerializer>();

    private static TimeProvider Clock(IServiceProvider services) => services.GetRequiredService<TimeProvider>();

    private sealed record MemoryChoice(MemoryGrainStore Store) : GrainStorageChoice
    {
        public override string Kind => "memory";

        internal override IGrainStorage CreateStorage(IServiceProvider services) => new MemoryGrainStorage(Store, Serializer(services));
    }

    private sealed record SqliteChoice(SqliteGrainStorageOptions Options) : GrainStorageChoice
    {
        public override string Kind => "sqlite";

        internal override IGrainStorage CreateStorage(IServiceProvider services) => new SqliteGrainStorage(Options, Serializer(services), Clock(services));
    }

    private sealed record PostgresChoice(PostgresGrainStorageOptions Options) : GrainStorageChoice
    {
        public override string Kind => "postgres";

        internal override IGrainStorage CreateStorage(IServiceProvider services) => new PostgresGrainStorage(Options, Serializer(services), Clock(services));
    }
}
