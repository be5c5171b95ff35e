using Orleans.Storage;

namespace ApexOrleans.Storage.Hosting;

/// <summary>Which storage a silo keeps grain state in: memory, a SQLite file (the embedded default) or PostgreSQL.</summary>
public abstract record GrainStorageChoice
{
    /// <summary>In-memory storage over <paramref name="store"/>; pass the same store to keep state across silo restarts.</summary>
    public static GrainStorageChoice Memory(MemoryGrainStore? store = null) => new MemoryChoice(store ?? new MemoryGrainStore());

    /// <summary>A SQLite database file.</summary>
    public static GrainStorageChoice Sqlite(string path) => Sqlite(new SqliteGrainStorageOptions { DataSource = path });

    /// <summary>A SQLite database with all its options.</summary>
    public static GrainStorageChoice Sqlite(SqliteGrainStorageOptions options) => new SqliteChoice(options);

    /// <summary>A PostgreSQL database.</summary>
    public static GrainStorageChoice Postgres(string connectionString, string schema = "public") =>
        Postgres(new PostgresGrainStorageOptions { ConnectionString = connectionString, Schema = schema });

    /// <summary>A PostgreSQL database with all its options.</summary>
    public static GrainStorageChoice Postgres(PostgresGrainStorageOptions options) => new PostgresChoice(options);

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

    /// <summary>
    /// The storage's clock: it stamps each row's <c>modified_at</c> and times SQLite's background checkpoints. Null: the
    /// system clock. Never taken from the silo's services, whose unkeyed <see cref="TimeProvider"/> drives all of Orleans.
    /// </summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>
    /// How state is turned into stored text. Null: the <see cref="IGrainStorageSerializer"/> registered as a keyed service
    /// under the provider's name, else <see cref="WebJsonGrainStorageSerializer"/> with web defaults (never Orleans' unkeyed
    /// default serializer, whose format differs from what the stores hold).
    /// </summary>
    public IGrainStorageSerializer? Serializer { get; init; }

    internal abstract IGrainStorage CreateStorage(IGrainStorageSerializer serializer);

    private sealed record MemoryChoice(MemoryGrainStore Store) : GrainStorageChoice
    {
        public override string Kind => "memory";

        internal override IGrainStorage CreateStorage(IGrainStorageSerializer serializer) => new MemoryGrainStorage(Store, serializer);
    }

    private sealed record SqliteChoice(SqliteGrainStorageOptions Options) : GrainStorageChoice
    {
        public override string Kind => "sqlite";

        internal override IGrainStorage CreateStorage(IGrainStorageSerializer serializer) => new SqliteGrainStorage(Options, serializer, Clock);
    }

    private sealed record PostgresChoice(PostgresGrainStorageOptions Options) : GrainStorageChoice
    {
        public override string Kind => "postgres";

        internal override IGrainStorage CreateStorage(IGrainStorageSerializer serializer) => new PostgresGrainStorage(Options, serializer, Clock);
    }
}
