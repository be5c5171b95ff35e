namespace ApexOrleans.Storage.Hosting;

/// <summary>The names of the grain storages, as command lines and configuration give them (<see cref="GrainStorageChoice.Named"/>).</summary>
public static class GrainStorageKinds
{
    /// <summary>A SQLite database file: the default.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>PostgreSQL through Orleans' ADO.NET provider.</summary>
    public const string Postgres = "postgres";

    /// <summary>PostgreSQL through the project's own provider, which group-commits writes.</summary>
    public const string PostgresBatched = "postgres-batched";

    /// <summary>Memory only: state lasts as long as the silo.</summary>
    public const string Memory = "memory";

    /// <summary>Every kind, the default first, for validation and help.</summary>
    public static readonly IReadOnlyList<string> All = [Sqlite, Postgres, PostgresBatched, Memory];

    /// <summary>Whether <paramref name="kind"/> keeps state in PostgreSQL, so its database is a connection string.</summary>
    public static bool IsPostgres(string kind) => kind is Postgres or PostgresBatched;
}
