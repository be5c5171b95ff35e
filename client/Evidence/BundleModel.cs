using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApexOrleans.Client.Evidence;

/// <summary>A line of events.jsonl: a publish (with its receipt) or a delivery to one app (with every attempt).</summary>
public sealed record EventLine
{
    /// <summary>"publish" or "delivery".</summary>
    public required string Kind { get; init; }

    /// <summary>The beat (sequence) the event belongs to; reactions carry their cause's beat.</summary>
    public long Beat { get; init; }

    /// <summary>The event id.</summary>
    public required string EventId { get; init; }

    /// <summary>The idempotency key.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The correlation id.</summary>
    public required string CorrelationId { get; init; }

    /// <summary>The causing event, for reactions.</summary>
    public string? CausationId { get; init; }

    /// <summary>The event type.</summary>
    public required string EventType { get; init; }

    /// <summary>The publishing app.</summary>
    public required string Source { get; init; }

    /// <summary>The app delivered to (deliveries only).</summary>
    public string? Target { get; init; }

    /// <summary>"Source" (own fact), "Target" or "Fallback" (in place of a target; deliveries only).</summary>
    public string? Role { get; init; }

    /// <summary>
    /// Publishes: accepted, duplicate or in-progress; a replay with a changed payload: conflict (refused as a reuse of the
    /// key) or how else it was answered. Deliveries: delivered, failed-over, pending or dead-letter.
    /// </summary>
    public required string Status { get; init; }

    /// <summary>Deliveries: what the app did (Applied, Duplicate, Held).</summary>
    public string? Outcome { get; init; }

    /// <summary>Publishes: whether this was a repeated publish of the same event.</summary>
    public bool RepeatedPublish { get; init; }

    /// <summary>Publishes: whether this was the scenario's replay of a beat's key with a changed payload (its CloudEvent carries the changed payload).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool ChangedPayload { get; init; }

    /// <summary>Publishes: the beat's own first publish, neither a repeat nor a changed-payload replay.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool FirstPublish => Kind == "publish" && !RepeatedPublish && !ChangedPayload;

    /// <summary>When it was published or enqueued (run clock).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Deliveries: the injected out-of-order delay.</summary>
    public double InjectedDelayMs { get; init; }

    /// <summary>Deliveries: why it was queued, if it was.</summary>
    public string? QueuedBecause { get; init; }

    /// <summary>Deliveries: when it was delivered or dead-lettered.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Deliveries: every attempt.</summary>
    public IReadOnlyList<AttemptLine> Attempts { get; init; } = [];

    /// <summary>Deliveries with status failed-over: the fallback app it was handed to (its retries spent, or its target's circuit open).</summary>
    public string? FailedOverTo { get; init; }

    /// <summary>Deliveries in the role Fallback: the target app this one stood in for.</summary>
    public string? StandsInFor { get; init; }

    /// <summary>
    /// Deliveries: it ended where it should: delivered, or failed over (then the fallback's own delivery carries it on,
    /// and is judged in turn). Anything else (pending, dead-letter) is not done.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Ended => Status == "delivered" || FailedOver;

    /// <summary>Deliveries: handed to the target's fallback app (<see cref="FailedOverTo"/>) instead of delivered to it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool FailedOver => Status == "failed-over";

    /// <summary>The envelope as a CloudEvent.</summary>
    public required JsonNode CloudEvent { get; init; }
}

/// <summary>One attempt of a delivery; to a remote app, with its HTTP requests (their <c>wallMs</c> is left out of the digest).</summary>
public sealed record AttemptLine(int Number, DateTimeOffset At, string Fault, bool Succeeded, bool Probe, string? Error, string? Outcome, double WallMs, long Sequence,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<ApexOrleans.Contracts.Deliveries.HttpExchange>? Http = null)
{
    /// <summary>Whether a remote app was down for it: no connection reached it, or it answered 429 or 503.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool RefusedByApp => Http is [{ Answer: ApexOrleans.Contracts.Deliveries.RemoteAnswer.Refused or ApexOrleans.Contracts.Deliveries.RemoteAnswer.Unavailable }, ..];

    /// <summary>Whether the attempt's request surely never reached a remote app: no connection carried it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool NeverConnected => Http is [{ Answer: ApexOrleans.Contracts.Deliveries.RemoteAnswer.Refused }, ..];
}

/// <summary>
/// A line of receipts.jsonl: an idempotency claim (the first claim and its receipt), a refusal of a reused key,
/// or an app's receipt of applying an event (with the duplicates it refused).
/// </summary>
public sealed record ReceiptLine
{
    /// <summary>"claim", "refusal" or "apply".</summary>
    public required string Kind { get; init; }

    /// <summary>The idempotency key.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The event id.</summary>
    public required string EventId { get; init; }

    /// <summary>Apply: the app; claims: the source app.</summary>
    public string? App { get; init; }

    /// <summary>The app that published the event: with the key, its idempotency scope (absent in bundles from before keys were scoped).</summary>
    public string? Source { get; init; }

    /// <summary>Apply: Source, Target or Fallback.</summary>
    public string? Role { get; init; }

    /// <summary>Apply as a fallback: the target app it stood in for.</summary>
    public string? StandsInFor { get; init; }

    /// <summary>When (run clock).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Claims and refusals: the payload fingerprint.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Refusals: Duplicate, Conflict, InProgress or Expired.</summary>
    public string? Outcome { get; init; }

    /// <summary>Apply: the records written, table/key.</summary>
    public IReadOnlyList<string> Effects { get; init; } = [];

    /// <summary>Apply: later deliveries of the same event refused; claims: reuses of the key refused.</summary>
    public int DuplicatesRefused { get; init; }

    /// <summary>Apply: when it arrived and had to wait for a predecessor.</summary>
    public DateTimeOffset? HeldSince { get; init; }

    /// <summary>Apply: the events the app published in reaction (ids).</summary>
    public IReadOnlyList<string> Reactions { get; init; } = [];
}

/// <summary>A line of injections.jsonl: one fault injected by the chaos policy or the scenario's script.</summary>
public sealed record InjectionLine(
    long Beat, string EventId, string IdempotencyKey, string Target, string Role, int Attempt, string Fault, string? Reason, double DelayMs, DateTimeOffset At)
{
    /// <summary>The client published a beat's event a second time, as the scenario scripts.</summary>
    public static InjectionLine RepeatedPublish(EventLine publish) => new(publish.Beat, publish.EventId, publish.IdempotencyKey, publish.Source, "Publish", 0,
        "DuplicatePublish", "scripted by the scenario: the client published the event twice", 0, publish.At);

    /// <summary>The client published a beat's key again with a changed payload, as the scenario scripts.</summary>
    public static InjectionLine ChangedPayloadReplay(EventLine publish) => new(publish.Beat, publish.EventId, publish.IdempotencyKey, publish.Source, "Publish", 0,
        "ChangedPayloadReplay", "scripted by the scenario: the client published the beat's key again with a changed payload", 0, publish.At);

    /// <summary>The injections the scenario scripts for the client, from its publish lines: repeated publishes and changed-payload replays.</summary>
    public static IEnumerable<InjectionLine> ScriptedPublishes(IEnumerable<EventLine> events) =>
        events.Where(e => e.Kind == "publish" && (e.RepeatedPublish || e.ChangedPayload)).Select(e => e.ChangedPayload ? ChangedPayloadReplay(e) : RepeatedPublish(e));

    /// <summary>A delivery held back before its first attempt.</summary>
    public static InjectionLine Delay(EventLine delivery, double delayMs) => new(delivery.Beat, delivery.EventId, delivery.IdempotencyKey, delivery.Target!,
        delivery.Role!, 0, "Delay", "held back before its first attempt (out of order)", delayMs, delivery.At);

    /// <summary>A fault injected into one attempt of a delivery.</summary>
    public static InjectionLine AttemptFault(EventLine delivery, AttemptLine attempt, string fault, string? reason) => new(delivery.Beat, delivery.EventId,
        delivery.IdempotencyKey, delivery.Target!, delivery.Role!, attempt.Number, fault, reason, 0, attempt.At);
}

/// <summary>circuits.json: every circuit's transitions, and every circuit's state before and after each beat.</summary>
public sealed record CircuitsFile(IReadOnlyDictionary<string, CircuitLine> Circuits, IReadOnlyList<BeatCircuits> Beats);

/// <summary>One circuit: its final state and its transitions.</summary>
public sealed record CircuitLine(string Status, IReadOnlyList<TransitionLine> Transitions);

/// <summary>One transition.</summary>
public sealed record TransitionLine(DateTimeOffset At, string From, string To, string Cause, string? EventId);

/// <summary>The states of all circuits right before a beat was published and right before the next one.</summary>
public sealed record BeatCircuits(int Beat, IReadOnlyDictionary<string, string> Before, IReadOnlyDictionary<string, string> After);

/// <summary>manifest.json: what was run, where, and the digest of its deterministic part.</summary>
public sealed record Manifest
{
    /// <summary>The run id (also the tenant on the silo).</summary>
    public required string RunId { get; init; }

    /// <summary>Scenario name.</summary>
    public required string Scenario { get; init; }

    /// <summary>The scenario file as given.</summary>
    public required string ScenarioFile { get; init; }

    /// <summary>SHA-256 of the scenario file.</summary>
    public required string ScenarioSha256 { get; init; }

    /// <summary>The seed used.</summary>
    public long Seed { get; init; }

    /// <summary>memory, sqlite or postgres.</summary>
    public required string Storage { get; init; }

    /// <summary>embedded or the silo's URL.</summary>
    public required string Silo { get; init; }

    /// <summary>virtual or real.</summary>
    public required string Clock { get; init; }

    /// <summary>Real clock: wall seconds per scenario second.</summary>
    public double TimeScale { get; init; }

    /// <summary>Versions of apex and .NET, and the OS.</summary>
    public required IReadOnlyDictionary<string, string> Versions { get; init; }

    /// <summary>Wall-clock start.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Wall-clock end.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>SHA-256 of the deterministic part (see <see cref="BundleDigest"/>).</summary>
    public required string Digest { get; init; }

    /// <summary>The scenario's outages as loaded, so <c>apex verify</c> can tell from the bundle what its criteria had to observe.</summary>
    public IReadOnlyList<ScenarioOutage> Outages { get; init; } = [];

    /// <summary>The criteria (ids) the scenario expects not to be exercised: one of them not exercised does not fail the run.</summary>
    public IReadOnlyList<string> ExpectedNotExercised { get; init; } = [];

    /// <summary>Whether every must-pass criterion held (passed, or not exercised as the scenario expects).</summary>
    public bool Passed { get; init; }

    /// <summary>The run's remote apps; absent when every app was a grain of the mesh.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public RemoteAppsLine? Remote { get; init; }

    /// <summary>What <c>traces.json</c> holds (outside the digest); absent in bundles from before runs kept traces.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public TracesLine? Traces { get; init; }
}

/// <summary>
/// The run's traces as its manifest records them: how many traces and spans <c>traces.json</c> holds, and whether every
/// silo that ran the day still held its spans when they were read (a silo lost mid-run takes the spans it kept along).
/// </summary>
public sealed record TracesLine(int Traces, int Spans, bool Complete);

/// <summary>
/// The remote apps of a run, as its manifest records them: each endpoint (without its query, where a token may sit), the
/// apps host if one served them, the apps whose outages the host performed (the chaos filter injected none for them),
/// and whether a rerun is promised the same digest, with why. No secret is ever written here.
/// </summary>
public sealed record RemoteAppsLine(IReadOnlyDictionary<string, string> Endpoints, string? AppsHost, IReadOnlyList<string> OutagesAtHost, bool Repeatable, string Note);

/// <summary>The JSON conventions of every bundle file.</summary>
public static class BundleJson
{
    /// <summary>camelCase, enums as strings, compact lines.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Indented, for the .json files people read.</summary>
    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };
}
