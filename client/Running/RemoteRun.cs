using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Client.Running;

/// <summary>
/// A run whose apps are remote: which of the scenario's outages the apps host performs (it takes the app down at the
/// window's first beat and up at the beat after its last, so the outage is the host refusing, not a flag), and what the
/// manifest says of it.
/// </summary>
internal sealed class RemoteRun(RemoteAppsChoice.RemoteApps apps, AppsHostClient? host)
{
    /// <summary>The apps host, if the run has one.</summary>
    public AppsHostClient? Host => host;

    /// <summary>The apps whose outages the host performs: those it serves; null without a host.</summary>
    public IReadOnlySet<string>? OutagesAtHost(Scenario scenario) => host is null
        ? null
        : scenario.Chaos.Outages.Select(o => o.App).Where(ServedByHost).ToHashSet(StringComparer.Ordinal);

    /// <summary>What runs before each beat is published: the host's apps go down and up at their windows' edges.</summary>
    public Func<ScenarioBeat, CancellationToken, Task>? OutageEdgesOf(Scenario scenario)
    {
        if (host is null || OutagesAtHost(scenario) is not { Count: > 0 } served)
        {
            return null;
        }

        var windows = scenario.Chaos.Outages.Where(o => served.Contains(o.App)).ToList();
        return async (beat, cancellationToken) =>
        {
            foreach (var ending in windows.Where(o => o.ToSequence == beat.Number))
            {
                await host.SwitchAsync(ending.App, down: false, cancellationToken);
            }

            foreach (var starting in windows.Where(o => o.FromSequence == beat.Number))
            {
                await host.SwitchAsync(starting.App, down: true, cancellationToken);
            }
        };
    }

    /// <summary>Brings every app the host took down for the scenario back up.</summary>
    public async Task BringUpAsync(Scenario scenario)
    {
        foreach (var app in OutagesAtHost(scenario) ?? new HashSet<string>())
        {
            await host!.SwitchAsync(app, down: false, CancellationToken.None);
        }
    }

    /// <summary>The manifest's account of the remote apps: endpoints without their query, and whether a rerun gives the same digest.</summary>
    public RemoteAppsLine Line(Scenario scenario, RunClock clock)
    {
        var repeatable = clock == RunClock.Virtual && apps.Endpoints.Keys.All(ServedByHost);
        return new RemoteAppsLine(
            apps.Endpoints.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value.GetLeftPart(UriPartial.Path)),
            apps.Host?.GetLeftPart(UriPartial.Path),
            [.. (OutagesAtHost(scenario) ?? new HashSet<string>()).Order(StringComparer.Ordinal)],
            repeatable,
            repeatable
                ? "every remote app was served by apex apps on the virtual clock: a rerun gives the same digest"
                : "a remote app of the user's own answered for itself (or the clock was real): a rerun is not promised the same digest");
    }

    private bool ServedByHost(string app) =>
        apps.Host is { } url && apps.Endpoints.TryGetValue(app, out var endpoint) && endpoint == AppsHostClient.EndpointOf(url, app);
}
