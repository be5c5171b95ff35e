using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Grains.Diagnostics;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Placement;
using ApexOrleans.Grains.Tenancy;

namespace ApexOrleans.Grains.Circuits;

/// <summary>
/// Closed → open after <see cref="CircuitBreakerOptions.FailureThreshold"/> consecutive failures; open →
/// half-open when the break is over (on the tenant's clock, recorded at the moment the break ended, not when
/// someone looked); half-open → closed on a good probe, open again (with a longer break) on a bad one.
/// State is written only when it changes, so a healthy target costs no storage writes.
/// </summary>
[TenantPlacement]
public sealed class CircuitBreakerGrain([PersistentState("circuit")] IPersistentState<CircuitState> state, MeshTenants tenants, MeshTelemetry telemetry)
    : TenantScopedGrain(tenants), ICircuitBreakerGrain
{
    private CircuitState Circuit => state.State;

    private CircuitBreakerOptions Options => CurrentTenant.Settings.Circuit;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CircuitPermit> TryAcquireAsync(DateTimeOffset now, string eventId)
    {
        var changed = EndBreakIfOver(now);
        CircuitPermit permit;
        switch (Circuit.Status)
        {
            case CircuitStatus.Closed:
                permit = new CircuitPermit(true, false, null, CircuitStatus.Closed, Circuit.ConsecutiveFailures);
                break;
            case CircuitStatus.HalfOpen when Circuit.ProbesInFlight < Options.HalfOpenProbes || now >= Circuit.ProbeLeaseUntil:
                Circuit.ProbesInFlight = Circuit.ProbeLeaseUntil is { } lease && now >= lease ? 1 : Circuit.ProbesInFlight + 1;
                Circuit.ProbeLeaseUntil = now + CurrentTenant.Settings.Delivery.AttemptTimeout;
                changed = true;
                permit = new CircuitPermit(true, true, null, CircuitStatus.HalfOpen);
                break;
            case CircuitStatus.HalfOpen:
                permit = new CircuitPermit(false, false, Circuit.ProbeLeaseUntil, CircuitStatus.HalfOpen);
                break;
            default:
                permit = new CircuitPermit(false, false, Circuit.OpenUntil, CircuitStatus.Open);
                break;
        }

        if (changed)
        {
            await state.WriteOrRevertAsync(DeactivateOnIdle);
        }

        return permit;
    }

    /// <inheritdoc />
    public async Task RecordAsync(DateTimeOffset now, string eventId, bool succeeded, string? cause)
    {
        var changed = EndBreakIfOver(now);
        if (succeeded)
        {
            if (Circuit.Status == CircuitStatus.HalfOpen)
            {
                Move(now, CircuitStatus.Closed, "probe succeeded", eventId);
                Circuit.Openings = 0;
                changed = true;
            }

            if (Circuit.ConsecutiveFailures > 0)
            {
                Circuit.ConsecutiveFailures = 0;
                changed = true;
            }
        }
        else if (Circuit.Status == CircuitStatus.HalfOpen)
        {
            Open(now, $"probe failed: {cause}", eventId);
            changed = true;
        }
        else if (Circuit.Status == CircuitStatus.Closed)
        {
            Circuit.ConsecutiveFailures++;
            if (Circuit.ConsecutiveFailures >= Options.FailureThreshold)
            {
                Open(now, $"{Circuit.ConsecutiveFailures} consecutive failures; last: {cause}", eventId);
            }

            changed = true;
        }

        if (changed)
        {
            await state.WriteOrRevertAsync(DeactivateOnIdle);
        }
    }

    /// <inheritdoc />
    public async Task<CircuitSnapshot> GetAsync()
    {
        if (EndBreakIfOver(CurrentTenant.Clock.GetUtcNow()))
        {
            await state.WriteOrRevertAsync(DeactivateOnIdle);
        }

        return new CircuitSnapshot(Name, Circuit.Status, Circuit.ConsecutiveFailures,
            Circuit.OpenUntil, [.. Circuit.Transitions]);
    }

    private bool EndBreakIfOver(DateTimeOffset now)
    {
        if (Circuit.Status != CircuitStatus.Open || Circuit.OpenUntil is not { } until || now < until)
        {
            return false;
        }

        Move(until, CircuitStatus.HalfOpen, $"break of {Options.BreakAfter(Circuit.Openings)} ended", null);
        Circuit.ProbesInFlight = 0;
        Circuit.ProbeLeaseUntil = null;
        return true;
    }

    private void Open(DateTimeOffset now, string cause, string eventId)
    {
        Circuit.Openings++;
        Circuit.OpenUntil = now + Options.BreakAfter(Circuit.Openings);
        Circuit.ConsecutiveFailures = 0;
        Move(now, CircuitStatus.Open, cause, eventId);
    }

    private void Move(DateTimeOffset at, CircuitStatus to, string cause, string? eventId)
    {
        var transition = new CircuitTransition(at, Circuit.Status, to, cause, eventId);
        Circuit.Transitions.Add(transition);
        Circuit.Status = to;
        telemetry.CircuitMoved(CurrentTenant.Id, Name, transition);
    }
}
