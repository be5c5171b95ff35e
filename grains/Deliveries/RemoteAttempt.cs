using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.ChaosPolicy;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Webhooks;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Remote;

namespace ApexOrleans.Grains.Deliveries;

/// <summary>
/// One attempt to a remote app: the signed webhook, sent twice when the network duplicates it, its answer dropped when the
/// network loses it. What the app took is then recorded in its grain (the mesh's record of the remote app: its receipts,
/// reactions and fan-out), which refuses what it holds already; the remote app must do the same on its side, and the
/// attempt's HTTP requests show whether it did.
/// </summary>
public sealed class RemoteAttempt(WebhookSender sender)
{
    /// <summary>
    /// Sends <paramref name="delivery"/> to <paramref name="endpoint"/> as <paramref name="decision"/> says, in the trace of the attempt's span
    /// <paramref name="traceParent"/>, and records what it took in <paramref name="record"/>.
    /// </summary>
    public async Task<AttemptAnswer> SendAsync(Uri endpoint, WebhookSecret secret, string tenant, string app, Delivery delivery, ChaosDecision decision, DateTimeOffset now,
        DeliveryOptions options, TimeSpan readTimeout, IAppGrain record, string? traceParent = null)
    {
        var first = await sender.PostAsync(endpoint, secret, tenant, app, delivery, now, options.ConnectTimeout, readTimeout, traceParent);
        var exchanges = new List<HttpExchange> { first };
        if (first.Answer is not (RemoteAnswer.Taken or RemoteAnswer.Duplicate))
        {
            return new AttemptAnswer(false, null, first.Error, exchanges); // the endpoint is the manifest's: an error without it repeats wherever the app runs
        }

        ApplyResult result;
        try
        {
            result = await record.ApplyAsync(delivery);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The app took it, the mesh's record of that failed: the retry is answered 409 by an app that deduplicates.
            var cause = e.Cause();
            return new AttemptAnswer(false, null, $"{cause.GetType().Name}: {cause.Message}", exchanges);
        }

        if (decision.Fault == FaultKind.Duplicate)
        {
            var second = await sender.PostAsync(endpoint, secret, tenant, app, delivery, now, options.ConnectTimeout, readTimeout, traceParent);
            exchanges.Add(second);
            if (second.Answer is RemoteAnswer.Taken or RemoteAnswer.Duplicate)
            {
                try
                {
                    await record.ApplyAsync(delivery); // refused there as a duplicate, as a grain app refuses it
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    var cause = e.Cause(); // the app has it; the retry is answered 409, and its record refuses it then
                    return new AttemptAnswer(false, result.Status, $"{cause.GetType().Name}: {cause.Message}", exchanges);
                }
            }
        }

        return decision.Fault == FaultKind.ResponseLost
            ? new AttemptAnswer(false, result.Status, $"ResponseLost: {decision.Reason}", exchanges)
            : new AttemptAnswer(true, result.Status, null, exchanges);
    }
}
