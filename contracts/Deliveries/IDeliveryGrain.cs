
namespace ApexOrleans.Contracts.Deliveries;

/// <summary>The delivery queue of one target app (key <c>{tenant}/{targetApp}</c>).</summary>
public interface IDeliveryGrain : IGrainWithStringKey
{
    /// <summary>Adds a delivery durably; enqueueing the same delivery again changes nothing.</summary>
    Task EnqueueAsync(Delivery delivery);

    /// <summary>Attempts every delivery that is due, in order, through the circuit and the chaos filter.</summary>
    Task RunDueAsync();

    /// <summary>Schedules its pending items on its tenant's timeline again (after a restart, or when the tenant was replaced).</summary>
    Task ResumeAsync();

    /// <summary>The queue, its history and dead letters.</summary>
    Task<DeliveryQueueSnapshot> GetAsync();
}
