using ApexOrleans.Grains.Publishing;

namespace ApexOrleans.Grains.Idempotency;

/// <summary>
/// Whether the gateway holding an unfinished claim is gone, so that a claim cut short is resumed rather than answered
/// "in progress" for ever: released, a silo the cluster declared dead or no longer lists (an earlier life of a restarted
/// silo), or a holder named as no gateway of this version names itself. A cluster client's life cannot be seen from a
/// silo: its claim stands until it claims again, releases it, or passes the in-progress timeout.
/// </summary>
public sealed class ClaimHolders(IClusterMembershipService membership)
{
    /// <summary>Whether <paramref name="holder"/> can no longer finish the claim it made.</summary>
    public bool IsGone(string holder)
    {
        if (holder.Length == 0)
        {
            return true; // released by its gateway when the publish failed
        }

        if (GatewayIncarnation.SiloOf(holder) is { } silo)
        {
            // A silo that joined a moment ago may not be listed here yet: resuming its claim then runs the publish twice,
            // which the idempotent enqueue makes harmless.
            return membership.CurrentSnapshot.GetSiloStatus(silo) is SiloStatus.Dead or SiloStatus.None;
        }

        return !GatewayIncarnation.IsClient(holder);
    }
}
