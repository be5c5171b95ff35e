using ApexOrleans.Storage.AdoNet;
using Orleans.Storage;

namespace ApexOrleans.Storage.Hosting;

/// <summary>Which storage a silo keeps grain state in: memory, a SQLite file (the embedded default) or PostgreSQL (through Orleans' ADO.NET provider).</summary>
public abstract record GrainStorageChoice
{
    /// <summary>In-memory storage over <paramref name="store"/>; pass the same store to keep state across silo restarts.</summary>
    public static GrainStorageChoice Memory(MemoryGrainStore? store = null) => new MemoryChoice(store ?? new MemoryGrainStore());

    /// <summary>A SQLite database file.</summary>
    public static GrainStorageChoice Sqlite(string path) => Sqlite(new SqliteGrainStorageOptions { DataSource = path });

    /// <summary>A SQLite database with all its options.</summary>
    public static GrainStorageChoice Sqlite(SqliteGrainStorageOptions options) => new SqliteChoice(options);

    /// <summary>
    /// A PostgreSQL database through Orleans' ADO.NET provider (<see cref="AdoNetPostgresGrainStorage"/>): what PostgreSQL
    /// means on command lines. The tables go into the first schema of the connection string's <c>Search Path</c>, else
    /// <c>public</c>; they are set up on silo start (<see cref="OrleansPostgresSchema"/>).
    /// </summary>
    public static GrainStorageChoice PostgresAdoNet(string connectionString) =>
        new AdoNetPostgresChoice(string.IsNullOrWhiteSpace(connectionString)
            ? throw new ArgumentException("PostgreSQL grain storage needs a connection string.", nameof(connectionString))
            : connectionString);

    /// <summary>
    /// The project's own PostgreSQL provider (<see cref="PostgresGrainStorage"/>: group commit, <c>json</c> payloads), offered
    /// beside the ADO.NET one as postgres-batched: under concurrent writers it commits fewer times, because writes
    /// waiting together share one commit (figures in storage/README.md).
    /// </summary>
    public static GrainStorageChoice Postgres(string connectionString, string schema = "public") =>
        Postgres(new PostgresGrainStorageOptions { ConnectionString = connectionString, Schema = schema });

    /// <summary>The project's own PostgreSQL provider with all its options (see <see cref="Postgres(string, string)"/>).</summary>
    public static GrainStorageChoice Postgres(PostgresGrainStorageOptions options) => new PostgresChoice(options);

    /// <summary>
    /// The storage named <paramref name="kind"/> (memory, sqlite, postgres or postgres-batched), as command lines and
    /// configuration name it: <paramref name="database"/> is the SQLite file (default <paramref name="defaultSqliteFile"/>) or
    /// the PostgreSQL connection string (default the <c>APEX_POSTGRES</c> environment variable). postgres is Orleans' ADO.NET
    /// provider; postgres-batched the project's own, which group-commits writes (storage/README.md says when to choose it).
    /// Throws naming what is wrong.
    /// </summary>
    public static GrainStorageChoice Named(string kind, string? database, string defaultSqliteFile) => kind switch
    {
        GrainStorageKinds.Memory => Memory(),
        GrainStorageKinds.Sqlite => Sqlite(database ?? defaultSqliteFile),
        GrainStorageKinds.Postgres => PostgresAdoNet(PostgresDatabase(kind, database)),
        GrainStorageKinds.PostgresBatched => Postgres(PostgresDatabase(kind, database)),
        _ => throw new ArgumentException($"storage '{kind}': use memory, sqlite, postgres or postgres-batched."),
    };

    private static string PostgresDatabase(string kind, string? database) =>
        database ?? Environment.GetEnvironmentVariable("APEX_POSTGRES")
        ?? throw new ArgumentException($"{kind} storage needs a database connection string (or APEX_POSTGRES).");

    /// <summary>The kind of storage, as <see cref="Named"/> names it: one of <see cref="GrainStorageKinds"/>.</summary>
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

    /// <summary>The provider, created from the silo's <paramref name="services"/> under <paramref name="name"/>.</summary>
    internal abstract IGrainStorage CreateStorage(IServiceProvider services, string name, IGrainStorageSerializer serializer);

    private sealed record MemoryChoice(MemoryGrainStore Store) : GrainStorageChoice
    {
        public override string Kind => GrainStorageKinds.Memory;

        internal override IGrainStorage CreateStorage(IServiceProvider services, string name, IGrainStorageSerializer serializer) => new MemoryGrainStorage(Store, serializer);
    }

    private sealed record SqliteChoice(SqliteGrainStorageOptions Options) : GrainStorageChoice
    {
        public override string Kind => GrainStorageKinds.Sqlite;

        internal override IGrainStorage CreateStorage(IServiceProvider services, string name, IGrainStorageSerializer serializer) => new SqliteGrainStorage(Options, serializer, Clock);
    }

    private sealed record PostgresChoice(PostgresGrainStorageOptions Options) : GrainStorageChoice
    {
        public override string Kind => GrainStorageKinds.PostgresBatched;

        internal override IGrainStorage CreateStorage(IServiceProvider services, string name, IGrainStorageSerializer serializer) => new PostgresGrainStorage(Options, serializer, Clock);
    }

    private sealed record AdoNetPostgresChoice(string ConnectionString) : GrainStorageChoice
    {
        public override string Kind => GrainStorageKinds.Postgres;

        // Rows are stamped by the server's clock (now()), so Clock does not apply.
        internal override IGrainStorage CreateStorage(IServiceProvider services, string name, IGrainStorageSerializer serializer) =>
            AdoNetPostgresGrainStorage.Create(services, name, ConnectionString, serializer);
    }
}
