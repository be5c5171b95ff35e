using System.Text.RegularExpressions;

namespace ApexOrleans.Contracts.Http;

/// <summary>
/// The routes of a silo's HTTP API, written once for the silo that maps them and the client that calls them: a group's
/// path, and each route's template relative to its group. <see cref="To"/> fills a template in for a request.
/// </summary>
public static partial class ApiRoutes
{
    /// <summary>The silo's name, version and apps.</summary>
    public const string Info = "/api/v1/info";

    /// <summary>Development keys, answered on loopback only.</summary>
    public const string DevKeys = "/api/v1/dev/keys";

    /// <summary>Alive: the process answers.</summary>
    public const string Live = "/health/live";

    /// <summary>Ready: the silo is in its cluster and its storage answers.</summary>
    public const string Ready = "/health/ready";

    /// <summary>Publishes (group).</summary>
    public const string Events = "/api/v1/events";

    /// <summary>Experiment runs reported to the silo (group).</summary>
    public const string Experiments = "/api/v1/experiments";

    /// <summary>Injected faults and the kill switch (group).</summary>
    public const string Faults = "/api/v1/faults";

    /// <summary>One injected fault.</summary>
    public const string Fault = "/{id}";

    /// <summary>Runs and their tenants' clocks (group).</summary>
    public const string Runs = "/api/v1/runs";

    /// <summary>One run.</summary>
    public const string Run = "/{runId}";

    /// <summary>A run's clock.</summary>
    public const string RunClock = "/{runId}/clock";

    /// <summary>Moves a run's clock on.</summary>
    public const string RunAdvance = "/{runId}/advance";

    /// <summary>Lets a run's work settle.</summary>
    public const string RunSettle = "/{runId}/settle";

    /// <summary>A run's scorecard.</summary>
    public const string RunScorecard = "/{runId}/scorecard";

    /// <summary>Tenants and what their apps hold (group).</summary>
    public const string Tenants = "/api/v1/tenants";

    /// <summary>Every app of a tenant.</summary>
    public const string TenantApps = "/{tenant}/apps";

    /// <summary>One app of a tenant.</summary>
    public const string TenantApp = "/{tenant}/apps/{app}";

    /// <summary>An app's receipts.</summary>
    public const string AppReceipts = "/{tenant}/apps/{app}/receipts";

    /// <summary>A tenant's circuits.</summary>
    public const string TenantCircuits = "/{tenant}/circuits";

    /// <summary>A tenant's delivery queues.</summary>
    public const string TenantQueues = "/{tenant}/queues";

    /// <summary>A tenant's traces as OTLP JSON (under <see cref="Tenants"/>).</summary>
    public const string TenantTraces = "/{tenant}/traces";

    /// <summary>The receipt of one idempotency key of a source app (the key may hold slashes).</summary>
    public const string PublishReceipt = "/{tenant}/receipts/{app}/{**key}";

    /// <summary>The mesh's activity across the cluster (group).</summary>
    public const string Activity = "/api/v1/activity";

    /// <summary>This silo's figures.</summary>
    public const string ActivityStats = "/stats";

    /// <summary>Delivery latency across the cluster.</summary>
    public const string ActivityLatency = "/latency";

    /// <summary>Each silo's figures and tenants.</summary>
    public const string ActivitySilos = "/silos";

    /// <summary>A short-lived session for a browser's live feed.</summary>
    public const string ActivityStreamSessions = "/stream-sessions";

    /// <summary>The live feed.</summary>
    public const string ActivityStream = "/stream";

    /// <summary>
    /// <paramref name="group"/> and <paramref name="route"/> with its parameters filled in, in order, each escaped
    /// (a catch-all's slashes too, which the silo decodes back).
    /// </summary>
    public static string To(string group, string route, params string[] values)
    {
        var next = 0;
        var path = Parameter().Replace(route, _ => next < values.Length
            ? Uri.EscapeDataString(values[next++])
            : throw new ArgumentException($"Route '{route}' takes more than {values.Length} value(s)."));
        return next == values.Length ? group + path : throw new ArgumentException($"Route '{route}' takes {next} value(s), not {values.Length}.");
    }

    [GeneratedRegex(@"\{\**\w+\}")]
    private static partial Regex Parameter();
}
