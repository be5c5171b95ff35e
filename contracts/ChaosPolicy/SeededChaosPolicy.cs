using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;

namespace ApexOrleans.Contracts.ChaosPolicy;

/// <summary>
/// Chaos from a seed. Every decision is a pure function of (seed, event, target, role, attempt, fault kind):
/// a SHA-256 of those, read as a number in [0, 1) and compared with the rates. No shared random stream, so
/// the same seed gives the same faults whatever the thread interleaving, in any process.
/// </summary>
public sealed class SeededChaosPolicy : IChaosPolicy
{
    private readonly ChaosSettings _settings;
    private readonly IReadOnlyList<(FaultKind Kind, double Rate)> _attemptFaultRates;

    /// <summary>Creates the policy; the settings are checked first.</summary>
    public SeededChaosPolicy(ChaosSettings settings)
    {
        settings.Validate();
        _settings = settings;
        _attemptFaultRates = settings.AttemptFaultRates();
    }

    /// <inheritdoc />
    public TimeSpan DeliveryDelay(EventEnvelope envelope, string target, DeliveryRole role)
    {
        if (role == DeliveryRole.Source)
        {
            return TimeSpan.Zero; // out-of-order is about deliveries to targets
        }

        if (role == DeliveryRole.Target && _settings.Scripts.TryGetValue(envelope.IdempotencyKey, out var script))
        {
            return script.Delay ?? TimeSpan.Zero; // scripted for the delivery to the target, not again for a fallback's
        }

        return Roll(envelope, target, role, 0, "delay") < _settings.OutOfOrderRate
            ? TimeSpan.FromMilliseconds(Math.Round(Roll(envelope, target, role, 0, "delay-length") * _settings.MaxDelay.TotalMilliseconds))
            : TimeSpan.Zero;
    }

    /// <inheritdoc />
    public ChaosDecision DecideAttempt(DeliveryAttemptContext attempt)
    {
        if (_settings.Outages.FirstOrDefault(o => !o.AtHost && o.Covers(attempt.Target, attempt.CurrentSequence)) is { } outage)
        {
            return new ChaosDecision(FaultKind.Outage,
                $"{outage.App} is down for sequences {outage.FromSequence} to {outage.ToSequence - 1} (now at {attempt.CurrentSequence})");
        }

        if (attempt.Role == DeliveryRole.Target && _settings.Scripts.TryGetValue(attempt.Envelope.IdempotencyKey, out var script))
        {
            return Scripted(script, attempt.Attempt);
        }

        var roll = Roll(attempt.Envelope, attempt.Target, attempt.Role, attempt.Attempt, "fault");
        var threshold = 0.0;
        foreach (var (kind, rate) in _attemptFaultRates)
        {
            threshold += rate;
            if (roll < threshold)
            {
                return new ChaosDecision(kind, $"seed {_settings.Seed}: roll {roll.ToString("0.0000", CultureInfo.InvariantCulture)} fell in the {kind} band");
            }
        }

        return ChaosDecision.None;
    }

    private static ChaosDecision Scripted(ScriptedFaults script, int attempt)
    {
        var limit = 0;
        foreach (var (kind, count) in new[]
                 {
                     (FaultKind.Timeout, script.Timeouts), (FaultKind.NetworkFailure, script.NetworkFailures),
                     (FaultKind.ServerError, script.ServerErrors), (FaultKind.ResponseLost, script.ResponsesLost),
                 })
        {
            limit += count;
            if (attempt <= limit)
            {
                return new ChaosDecision(kind, $"scripted by the scenario (attempt {attempt})");
            }
        }

        return script.Duplicate && attempt == limit + 1
            ? new ChaosDecision(FaultKind.Duplicate, "scripted by the scenario")
            : ChaosDecision.None;
    }

    private double Roll(EventEnvelope envelope, string target, DeliveryRole role, int attempt, string kind)
    {
        var input = $"{_settings.Seed}|{envelope.IdempotencyKey}|{target}|{role}|{attempt}|{kind}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(input));
        return (BitConverter.ToUInt64(hash, 0) >> 11) * (1.0 / (1UL << 53));
    }
}
