using ApexOrleans.Client.Running;
using ApexOrleans.Client.Verification;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests;

[Collection(TestClusterCollection.Name)]
public sealed class ClusterRunTests
{
    [Fact]
    public async Task ADayDrivenAsAClientOfAThreeSiloClusterHasTheDigestOfOneEmbeddedSilo()
    {
        await using var cluster = await MeshTestCluster.DeployAsync(silos: 3);
        using var folder = new TempFolder();
        var embedded = await Apex.RunScenarioAsync(folder.File("embedded"), seed: 42);

        var clustered = await new ScenarioRunner(SilentProgress.Instance, TimeProvider.System).RunAsync(new RunOptions
        {
            ScenarioPath = Apex.SarahsDay,
            Seed = 42,
            Mesh = new MeshTarget { Cluster = MeshTestCluster.Gateways(cluster), ClusterId = cluster.Options.ClusterId },
            OutputDirectory = folder.File("cluster"),
        });

        Assert.True(clustered.Scorecard.Passed);
        Assert.Equal(embedded.Manifest.Digest, clustered.Manifest.Digest);
        Assert.All(BundleVerifier.Verify(clustered.BundlePath), check => Assert.True(check.Passed, $"{check.Name}: {check.Detail}"));

        // Each tenant's grains live on one silo, the silo its own tenant grain is on.
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        foreach (var tenant in new[] { clustered.Manifest.RunId, $"{clustered.Manifest.RunId}-ctl" })
        {
            var home = await management.GetActivationAddress(cluster.Client.GetGrain<ITenantGrain>(tenant));
            Assert.NotNull(home);
            foreach (var app in AppCatalog.Load(AppCatalog.DefaultPath).Apps.Keys)
            {
                var address = await management.GetActivationAddress(cluster.Client.GetGrain<IAppGrain>(MeshKeys.For(tenant, app)));
                Assert.Equal(home, address);
            }
        }
    }
}
