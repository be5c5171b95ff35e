namespace ApexOrleans.Storage.AdoNet;

/// <summary>
/// The <c>OrleansQuery</c> rows Orleans' ADO.NET providers (10.4.2) read at start, for PostgreSQL, written against the
/// contract the providers keep: the parameters they bind (by name, typed from the CLR value) and the result columns they
/// read (by name). Plain statements, no stored functions: each is one statement, so it commits or fails whole.
/// </summary>
internal static class OrleansQueries
{
    // The row a storage query acts on. The providers bind GrainIdExtensionString null for a key without one; the null test
    // keeps "no extension" apart from an empty one, and the whole condition matches the OrleansStorage_Identity index.
    private const string StorageRow = """
        ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
          AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
          AND COALESCE(GrainIdExtensionString, '') = COALESCE(@GrainIdExtensionString, '')
          AND (GrainIdExtensionString IS NULL) = (@GrainIdExtensionString IS NULL)
        """;

    private const string MemberRow = "DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation";

    private const string MemberColumns = """
        v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
        m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
        """;

    /// <summary>The four keys <c>Microsoft.Orleans.Persistence.AdoNet</c> reads.</summary>
    public static IReadOnlyDictionary<string, string> Storage { get; } = new Dictionary<string, string>
    {
        // Answers NewGrainStateVersion, or no row when the expected version is not the stored one (for an insert: when a
        // row exists), which the provider reports as an InconsistentStateException. The unique index makes two racing
        // inserts one insert and one conflict.
        ["WriteToStorageKey"] = $"""
            WITH updated AS (
                UPDATE OrleansStorage SET PayloadBinary = @PayloadBinary, Version = Version + 1, ModifiedOn = now()
                WHERE @GrainStateVersion IS NOT NULL AND Version = @GrainStateVersion AND {StorageRow}
                RETURNING Version),
            inserted AS (
                INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString,
                    GrainIdHash, GrainTypeHash, PayloadBinary, ModifiedOn, Version)
                SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                    @GrainIdHash, @GrainTypeHash, @PayloadBinary, now(), 1
                WHERE @GrainStateVersion IS NULL
                ON CONFLICT DO NOTHING
                RETURNING Version)
            SELECT Version AS NewGrainStateVersion FROM updated
            UNION ALL
            SELECT Version FROM inserted
            """,
        ["ReadFromStorageKey"] = $"SELECT PayloadBinary, Version FROM OrleansStorage WHERE {StorageRow}",

        // A clear keeps the row, payload gone and version bumped: an ETag read before it can never match again.
        ["ClearStorageKey"] = $"""
            UPDATE OrleansStorage SET PayloadBinary = NULL, Version = Version + 1, ModifiedOn = now()
            WHERE Version = @GrainStateVersion AND {StorageRow}
            RETURNING Version AS NewGrainStateVersion
            """,

        // Only with DeleteStateOnClear (the mesh leaves it off): the provider expects the deleted version plus one.
        ["DeleteStorageKey"] = $"""
            DELETE FROM OrleansStorage
            WHERE Version = @GrainStateVersion AND {StorageRow}
            RETURNING Version + 1 AS NewGrainStateVersion
            """,
    };

    /// <summary>The nine keys <c>Microsoft.Orleans.Clustering.AdoNet</c> requires (its DbStoredQueries).</summary>
    public static IReadOnlyDictionary<string, string> Clustering { get; } = new Dictionary<string, string>
    {
        // The provider reads one column as a boolean: 1 when this call made the cluster's version row.
        ["InsertMembershipVersionKey"] = """
            WITH inserted AS (
                INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
                ON CONFLICT (DeploymentId) DO NOTHING
                RETURNING 1)
            SELECT count(*)::int FROM inserted
            """,

        // The table version moves only if it is the expected one and the silo's row is new, and the row goes in only with
        // that move: one statement, so both or neither. 1 on success, 0 when the caller must re-read the table.
        ["InsertMembershipKey"] = $"""
            WITH bumped AS (
                UPDATE OrleansMembershipVersionTable v SET Version = v.Version + 1, Timestamp = now()
                WHERE v.DeploymentId = @DeploymentId AND v.Version = @Version
                  AND NOT EXISTS (SELECT 1 FROM OrleansMembershipTable WHERE {MemberRow})
                RETURNING v.DeploymentId),
            inserted AS (
                INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status,
                    ProxyPort, StartTime, IAmAliveTime)
                SELECT b.DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                    @ProxyPort, @StartTime, @IAmAliveTime
                FROM bumped b
                RETURNING 1)
            SELECT count(*)::int FROM inserted
            """,

        // As the insert: the version moves only if expected and the row exists, and the row changes only with it.
        ["UpdateMembershipKey"] = $"""
            WITH bumped AS (
                UPDATE OrleansMembershipVersionTable v SET Version = v.Version + 1, Timestamp = now()
                WHERE v.DeploymentId = @DeploymentId AND v.Version = @Version
                  AND EXISTS (SELECT 1 FROM OrleansMembershipTable WHERE {MemberRow})
                RETURNING v.DeploymentId),
            changed AS (
                UPDATE OrleansMembershipTable m SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
                FROM bumped b
                WHERE m.DeploymentId = b.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
                RETURNING 1)
            SELECT count(*)::int FROM changed
            """,

        // A heartbeat: never contended, and its outcome is not read.
        ["UpdateIAmAlivetimeKey"] = $"UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime WHERE {MemberRow}",

        // The version row always comes back (the provider reads the table version from it), with the member's columns null
        // when there is no such member.
        ["MembershipReadRowKey"] = $"""
            SELECT {MemberColumns}
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
              AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId
            """,
        ["MembershipReadAllKey"] = $"""
            SELECT {MemberColumns}
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
            WHERE v.DeploymentId = @DeploymentId
            """,
        ["DeleteMembershipTableEntriesKey"] = """
            DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
            DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId
            """,

        // Clients find gateways here: the provider binds @Status to Active and reads Address, ProxyPort and Generation.
        ["GatewaysQueryKey"] = """
            SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0
            """,

        // Removes the rows of silos that are dead and have not been heard from since @IAmAliveTime (as the provider's
        // contract documents; a silo still joining or stopping keeps its row).
        ["CleanupDefunctSiloEntriesKey"] = """
            DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status = 6
            """,
    };

    /// <summary>Every row the project keeps in <c>OrleansQuery</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> All => Storage.Concat(Clustering);
}
