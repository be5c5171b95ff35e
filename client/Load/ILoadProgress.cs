using ApexOrleans.Contracts.Diagnostics;

namespace ApexOrleans.Client.Load;

/// <summary>A load's state at one moment: tenants done and running, rates so far, the last interval's p99, and the silo's figures.</summary>
public sealed record LoadTick(TimeSpan Elapsed, int Done, int Running, int? Total, double EventsPerSecond, double DeliveriesPerSecond, double RecentMeshP99Ms, int Failed, MeshStats Silo);

/// <summary>What a load reports while it goes.</summary>
public interface ILoadProgress
{
    /// <summary>A phase begins (start-up, control day, the load).</summary>
    void Phase(string description);

    /// <summary>About once a second during the load.</summary>
    void Tick(LoadTick tick);

    /// <summary>The load ended and its bundle is written.</summary>
    void Finished(LoadSummary summary, string bundlePath);
}
