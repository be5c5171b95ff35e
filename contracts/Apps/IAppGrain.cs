using ApexOrleans.Contracts.Deliveries;

namespace ApexOrleans.Contracts.Apps;

/// <summary>An app of the mesh for one tenant (key <c>{tenant}/{appId}</c>): owns its tables and applies each event once.</summary>
public interface IAppGrain : IGrainWithStringKey
{
    /// <summary>Applies a delivery once: its effect, its receipt, its reactions and fan-out, in one state write.</summary>
    Task<ApplyResult> ApplyAsync(Delivery delivery);

    /// <summary>Hands its outbox to the dispatcher again if anything waits in it (after a restart, or when the tenant was replaced).</summary>
    Task ResumeAsync();

    /// <summary>Removes outbox entries that reached their targets' queues.</summary>
    Task AcknowledgeOutboxAsync(IReadOnlyList<long> entryIds);

    /// <summary>The app's tables, held events and counts, for dashboards, proofs and tests.</summary>
    Task<AppSnapshot> GetAsync();

    /// <summary>Every receipt of what the app applied.</summary>
    Task<IReadOnlyList<ApplyReceipt>> ReceiptsAsync();
}
