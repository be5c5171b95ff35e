
namespace ApexOrleans.Storage.AdoNet;

/// <summary>
/// Runs <see cref="OrleansPostgresSchema.EnsureAsync"/> when the silo starts, before Orleans' membership reads its
/// queries. A silo that cannot set up its cluster's database fails to start: without membership it is no silo.
/// </summary>
internal sealed class OrleansPostgresSchemaSetup(string connectionString) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(OrleansPostgresSchemaSetup), ServiceLifecycleStage.RuntimeInitialize,
            cancellationToken => OrleansPostgresSchema.EnsureAsync(connectionString, cancellationToken));
}
