
namespace ApexOrleans.Contracts.Deliveries;

/// <summary>The delivery queue of one target app (key <c>{tenant}/{targetApp}</c>).</summary>
public interface IDeliveryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a delivery durably and answers when the queue accepted it; enqueueing the same delivery again changes nothing
    /// and answers the time of the first.
    /// </summary>
    Task<DateTimeOffset> EnqueueAsync(Delivery delivery);

    /// <summary>When the delivery under <paramref name="inboxKey"/> was durably accepted, or null if it never was.</summary>
    Task<DateTimeOffset?> AcceptedAtAsync(string inboxKey);

    /// <summary>Attempts every delivery that is due, in order, through the circuit and the chaos filter.</summary>
    Task RunDueAsync();

    /// <summary>Schedules its pending items on its tenant's timeline again (after a restart, or when the tenant was replaced).</summary>
    Task ResumeAsync();

    /// <summary>The queue, its history and dead letters.</summary>
    Task<DeliveryQueueSnapshot> GetAsync();
}
