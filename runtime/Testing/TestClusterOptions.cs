using ApexOrleans.Runtime.Hosting;

namespace ApexOrleans.Runtime.Testing;

/// <summary>Options of a <see cref="TestCluster"/>.</summary>
public sealed class TestClusterOptions
{
    /// <summary>The store the silo keeps state in; it outlives silo restarts.</summary>
    public GrainStorageChoice Storage { get; init; } = GrainStorageChoice.Memory();

    /// <summary>The silo's clock; a <see cref="Timing.VirtualTimeProvider"/> lets a test move time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Adds grains, options and services to the silo; applied on every start.</summary>
    public Action<ISiloBuilder> ConfigureSilo { get; init; } = _ => { };
}
