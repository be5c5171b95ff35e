using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Client.Running;

/// <summary>One beat as it happened: its publish and the circuits right after.</summary>
public sealed record BeatProgress(ScenarioBeat Beat, PublishReceipt Receipt, PublishReceipt? RepeatedReceipt, IReadOnlyDictionary<string, CircuitStatus> Circuits)
{
    /// <summary>How the scripted replay with a changed payload was answered ("conflict" when refused as it must be); null when none was sent.</summary>
    public string? ChangedPayloadAnswer { get; init; }

    /// <summary>The publish's answers as a progress line shows them: "Accepted", "Accepted, again Duplicate, changed conflict".</summary>
    public string Answers => string.Join(", ", new[]
    {
        Receipt.Status.ToString(), RepeatedReceipt is { } repeated ? $"again {repeated.Status}" : null, ChangedPayloadAnswer is { } changed ? $"changed {changed}" : null,
    }.OfType<string>());
}

/// <summary>What a run reports while it goes.</summary>
public interface IRunProgress
{
    /// <summary>A phase begins (control run, chaos run, collecting evidence).</summary>
    void Phase(string description);

    /// <summary>A beat of the chaos run was published.</summary>
    void BeatPublished(BeatProgress beat);

    /// <summary>The run ended.</summary>
    void Finished(Scorecard scorecard, string bundlePath, Manifest manifest);
}

/// <summary>Reports nothing (tests, library use).</summary>
public sealed class SilentProgress : IRunProgress
{
    /// <summary>The one instance.</summary>
    public static SilentProgress Instance { get; } = new();

    /// <inheritdoc />
    public void Phase(string description)
    {
    }

    /// <inheritdoc />
    public void BeatPublished(BeatProgress beat)
    {
    }

    /// <inheritdoc />
    public void Finished(Scorecard scorecard, string bundlePath, Manifest manifest)
    {
    }
}
