namespace ApexOrleans.Grains.Publishing;

/// <summary>
/// Which life of which gateway claims a key: a silo's gateway is named by its silo address (whose generation is new every
/// start), a cluster client's by an id of its own. An idempotency grain compares the holder of a claim with the gateway
/// claiming again, and asks the cluster whether a silo holder is still alive.
/// </summary>
public sealed class GatewayIncarnation
{
    private const string SiloPrefix = "silo/";
    private const string ClientPrefix = "client/";

    private GatewayIncarnation(string id) => Id = id;

    /// <summary>The claimant this gateway names itself to idempotency grains.</summary>
    public string Id { get; }

    /// <summary>The gateway of the silo at <paramref name="silo"/>, in this life of that silo.</summary>
    public static GatewayIncarnation OfSilo(SiloAddress silo) => new(SiloPrefix + silo.ToParsableString());

    /// <summary>The gateway of a cluster client: a life the cluster's membership does not list.</summary>
    public static GatewayIncarnation OfClient() => new(ClientPrefix + Guid.NewGuid().ToString("N"));

    /// <summary>Whether <paramref name="claimant"/> names a cluster client's gateway.</summary>
    public static bool IsClient(string claimant) => claimant.StartsWith(ClientPrefix, StringComparison.Ordinal);

    /// <summary>The silo whose gateway <paramref name="claimant"/> names; null for a client's or a name this version does not make.</summary>
    public static SiloAddress? SiloOf(string claimant) =>
        claimant.StartsWith(SiloPrefix, StringComparison.Ordinal) && SiloAddress.TryParse(claimant[SiloPrefix.Length..], out var silo) ? silo : null;
}
