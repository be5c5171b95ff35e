using ApexOrleans.Contracts.Deliveries;
namespace ApexOrleans.Contracts.Idempotency;

/// <summary>How long idempotency receipts are kept, and when a claim counts as abandoned.</summary>
public sealed record IdempotencyOptions
{
    /// <summary>
    /// How long a key's full receipt is kept. Must be longer than any delivery can stay undelivered (every
    /// retry, every queued attempt through an outage), checked when a tenant is configured. After it, the key
    /// keeps a tombstone and a replay is refused as expired: it is never executed twice.
    /// </summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>A claim not completed within this time is resumed by the next publish of the same key.</summary>
    public TimeSpan InProgressTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Duplicate refusals kept in detail per key (all are counted).</summary>
    public int DuplicateDetailLimit { get; init; } = 100;

    /// <summary>Receipts must outlive every possible redelivery under <paramref name="delivery"/>; throws <see cref="ArgumentException"/> if not.</summary>
    public void ValidateAgainst(DeliveryOptions delivery)
    {
        if (Retention <= delivery.WorstCaseSpan)
        {
            throw new ArgumentException(
                $"Idempotency retention ({Retention}) must be longer than the longest a delivery can stay undelivered " +
                $"({delivery.WorstCaseSpan}), or a late redelivery could find its receipt gone.");
        }
    }
}
