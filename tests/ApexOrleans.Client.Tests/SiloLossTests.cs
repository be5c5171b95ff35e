using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Client.Verification;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Placement;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests;

[Collection(TestClusterCollection.Name)]
public sealed class SiloLossTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADayGoesOnWhenTheSiloHostingItsTenantIsLostMidRun(bool graceful)
    {
        await using var cluster = await MeshTestCluster.DeployAsync(silos: 3);
        using var folder = new TempFolder();
        var catalog = AppCatalog.Load(AppCatalog.DefaultPath);
        var scenario = ScenarioLoader.Load(Apex.SarahsDay, catalog);
        var control = await Apex.RunScenarioAsync(folder.File("embedded"), seed: 42);

        // A run whose tenant lands on a silo other than the primary (which holds the test cluster's membership table).
        var victim = cluster.SecondarySilos[0];
        var silos = cluster.Silos.Select(s => s.SiloAddress).ToList();
        var runId = Enumerable.Range(0, 1000).Select(i => $"silo-loss-{(graceful ? "stop" : "kill")}-{i}")
            .First(id => TenantPlacementDirector.OwnerOf(id, silos).Equals(victim.SiloAddress));
        var clusterSession = ClusterMeshSession.Over(cluster.Client, catalog, "test cluster");
        await using var session = new LosingSession(clusterSession, runId, afterPublishes: 5, async () =>
        {
            var management = cluster.Client.GetGrain<IManagementGrain>(0);
            Assert.Equal(victim.SiloAddress, await management.GetActivationAddress(cluster.Client.GetGrain<ITenantGrain>(runId)));
            Assert.Equal(victim.SiloAddress, await management.GetActivationAddress(cluster.Client.GetGrain<IAppGrain>(MeshKeys.For(runId, "flowbills"))));
            await (graceful ? cluster.StopSiloAsync(victim) : cluster.KillSiloAsync(victim));
        });

        var outcome = await new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(
            new RunOptions { ScenarioPath = Apex.SarahsDay, OutputDirectory = folder.File("cluster") }, scenario, session, seed: 42, runId, CancellationToken.None);

        Assert.True(session.Lost, "the silo was lost mid-run");
        Assert.Equal(1, clusterSession.Resumes); // taken up on another silo, configured again and resumed once
        var failed = outcome.Scorecard.Criteria.Where(c => c.Level == Evidence.CriterionLevel.Must && !c.Holds).Select(c => $"{c.Id}: {c.Detail}");
        Assert.True(outcome.Scorecard.Passed, string.Join("; ", failed));
        Assert.All(BundleVerifier.Verify(outcome.BundlePath), check => Assert.True(check.Passed, $"{check.Name}: {check.Detail}"));
        Assert.Equal(control.Manifest.Digest, outcome.Manifest.Digest); // the same day, to the byte, as on one embedded silo
    }

    /// <summary>A session that loses a silo after the run's tenant has published <c>afterPublishes</c> events.</summary>
    private sealed class LosingSession(IMeshSession inner, string runTenant, int afterPublishes, Func<Task> loseSilo) : IMeshSession
    {
        private int _published;

        public bool Lost { get; private set; }

        public string Silo => inner.Silo;

        public string Storage => inner.Storage;

        public async Task<PublishReceipt> PublishAsync(string tenant, EventEnvelope envelope, CancellationToken cancellationToken)
        {
            var receipt = await inner.PublishAsync(tenant, envelope, cancellationToken);
            if (tenant == runTenant && ++_published == afterPublishes)
            {
                await loseSilo();
                Lost = true;
            }

            return receipt;
        }

        public Task StartTenantAsync(string tenant, RunSettings settings, bool listed, CancellationToken cancellationToken) => inner.StartTenantAsync(tenant, settings, listed, cancellationToken);

        public Task EndTenantAsync(string tenant, CancellationToken cancellationToken) => inner.EndTenantAsync(tenant, cancellationToken);

        public Task<MeshStats> StatsAsync(CancellationToken cancellationToken) => inner.StatsAsync(cancellationToken);

        public Task<DateTimeOffset> NowAsync(string tenant, CancellationToken cancellationToken) => inner.NowAsync(tenant, cancellationToken);

        public Task AdvanceAsync(string tenant, DateTimeOffset until, CancellationToken cancellationToken) => inner.AdvanceAsync(tenant, until, cancellationToken);

        public Task SettleAsync(string tenant, DateTimeOffset limit, CancellationToken cancellationToken) => inner.SettleAsync(tenant, limit, cancellationToken);

        public Task<IReadOnlyDictionary<string, AppSnapshot>> AppsAsync(string tenant, CancellationToken cancellationToken) => inner.AppsAsync(tenant, cancellationToken);

        public Task<IReadOnlyDictionary<string, IReadOnlyList<ApplyReceipt>>> ReceiptsAsync(string tenant, CancellationToken cancellationToken) => inner.ReceiptsAsync(tenant, cancellationToken);

        public Task<IReadOnlyDictionary<string, CircuitSnapshot>> CircuitsAsync(string tenant, CancellationToken cancellationToken) => inner.CircuitsAsync(tenant, cancellationToken);

        public Task<IReadOnlyDictionary<string, DeliveryQueueSnapshot>> QueuesAsync(string tenant, CancellationToken cancellationToken) => inner.QueuesAsync(tenant, cancellationToken);

        public Task<ApexOrleans.Contracts.Diagnostics.TenantTraces?> TracesAsync(string tenant, CancellationToken cancellationToken) => inner.TracesAsync(tenant, cancellationToken);

        public Task<IdempotencyState?> IdempotencyAsync(string tenant, string sourceApp, string key, CancellationToken cancellationToken) => inner.IdempotencyAsync(tenant, sourceApp, key, cancellationToken);

        public Task<InjectedFault> InjectFaultAsync(FaultRequest request, CancellationToken cancellationToken) => inner.InjectFaultAsync(request, cancellationToken);

        public Task<bool> RevertFaultAsync(string id, CancellationToken cancellationToken) => inner.RevertFaultAsync(id, cancellationToken);

        public Task<IReadOnlyList<InjectedFault>> RevertFaultsAsync(string? owner, CancellationToken cancellationToken) => inner.RevertFaultsAsync(owner, cancellationToken);

        public Task<bool> ReadyAsync(CancellationToken cancellationToken) => inner.ReadyAsync(cancellationToken);

        public Task RecordExperimentAsync(System.Text.Json.JsonElement record, CancellationToken cancellationToken) => inner.RecordExperimentAsync(record, cancellationToken);

        public Task ReportAsync(string tenant, System.Text.Json.JsonElement scorecard, CancellationToken cancellationToken) => inner.ReportAsync(tenant, scorecard, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
