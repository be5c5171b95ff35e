namespace ApexOrleans.Storage.AdoNet;

/// <summary>
/// The tables the <see cref="OrleansQueries"/> work on, created in the connection's first <c>search_path</c> schema (where the
/// providers, which name tables unqualified, find them). Every statement is idempotent; they run under one advisory lock.
/// </summary>
internal static class OrleansPostgresTables
{
    /// <summary>The tables and indexes, in creation order.</summary>
    public static IReadOnlyList<string> Statements { get; } =
    [
        """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey varchar(64) NOT NULL,
            QueryText text NOT NULL,
            CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey))
        """,

        // Every write rewrites a row in place: free room in each page lets PostgreSQL keep the new version on the same page
        // (a HOT update, which skips the index). The hashes are stored as the provider computes them, for operators; rows
        // are found by the exact identity.
        """
        CREATE TABLE IF NOT EXISTS OrleansStorage (
            ServiceId text NOT NULL,
            GrainTypeString text NOT NULL,
            GrainIdN0 bigint NOT NULL,
            GrainIdN1 bigint NOT NULL,
            GrainIdExtensionString text NULL,
            GrainIdHash integer NOT NULL,
            GrainTypeHash integer NOT NULL,
            PayloadBinary bytea NULL,
            ModifiedOn timestamptz NOT NULL,
            Version integer NOT NULL)
        WITH (fillfactor = 70)
        """,

        // One row per identity: what makes two racing first writes one insert and one conflict (Orleans' own script has
        // no unique key there). The null test keeps a key without extension apart from one with an empty extension.
        """
        CREATE UNIQUE INDEX IF NOT EXISTS OrleansStorage_Identity ON OrleansStorage (
            ServiceId, GrainTypeString, GrainIdN0, GrainIdN1,
            COALESCE(GrainIdExtensionString, ''), (GrainIdExtensionString IS NULL))
        """,

        """
        CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable (
            DeploymentId varchar(150) NOT NULL,
            Timestamp timestamptz NOT NULL DEFAULT now(),
            Version integer NOT NULL DEFAULT 0,
            CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId))
        """,

        """
        CREATE TABLE IF NOT EXISTS OrleansMembershipTable (
            DeploymentId varchar(150) NOT NULL,
            Address varchar(45) NOT NULL,
            Port integer NOT NULL,
            Generation integer NOT NULL,
            SiloName text NOT NULL,
            HostName text NOT NULL,
            Status integer NOT NULL,
            ProxyPort integer NULL,
            SuspectTimes text NULL,
            StartTime timestamptz NOT NULL,
            IAmAliveTime timestamptz NOT NULL,
            CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
            CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId FOREIGN KEY (DeploymentId)
                REFERENCES OrleansMembershipVersionTable (DeploymentId))
        """,
    ];

    /// <summary>The relations <see cref="Statements"/> create, as <c>to_regclass</c> finds them on the search path.</summary>
    public static IReadOnlyList<string> Relations { get; } =
        ["orleansquery", "orleansstorage", "orleansstorage_identity", "orleansmembershipversiontable", "orleansmembershiptable"];
}
