using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Scenarios;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Publishing;
using Orleans.TestingHost;

namespace ApexOrleans.Client.Tests;

/// <summary>
/// "In progress" is no answer to a day's publish: while another gateway holds a beat's key (an attempt the runner gave up
/// on when its silo failed), the day sends the beat again until it is accepted, and never records it as the beat's answer.
/// </summary>
[Collection(TestClusterCollection.Name)]
public sealed class PublishInProgressTests
{
    private static readonly Scenario SarahsDay = ScenarioLoader.Load(Apex.SarahsDay, AppCatalog.Load(AppCatalog.DefaultPath));

    // A beat published within the in-progress timeout (on the tenant's clock) of the beat before it: a claim made as the
    // beat before is published is still fresh when the day publishes this one.
    private static readonly ScenarioBeat Held = SarahsDay.Beats.Zip(SarahsDay.Beats.Skip(1))
        .First(pair => pair.Second.Time - pair.First.Time < new IdempotencyOptions().InProgressTimeout).Second;

    [Fact]
    public async Task ABeatWhoseKeyAnotherGatewayHoldsIsAcceptedOnceThatGatewayGivesItUp()
    {
        await using var cluster = await MeshTestCluster.DeployAsync(silos: 1);
        await using var session = await ConnectAsync(cluster);
        const string tenant = "held-then-released";
        var held = Held.Event;
        var key = cluster.Client.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant, held.ScopedKey));
        var holder = GatewayIncarnation.OfClient().Id;
        Task? release = null;
        var progress = new AtBeat(Held.Number - 1, () =>
        {
            Assert.Equal(ClaimOutcome.Claimed, key.ClaimAsync(PayloadFingerprint.Of(held), PublishReceipt.ToAccept(tenant, held), holder).GetAwaiter().GetResult().Outcome);
            release = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ => key.ReleaseAsync(holder)).Unwrap();
        });

        var day = new TenantDay(session, TimeProvider.System);
        var run = await day.ReplayAsync(SarahsDay, tenant, Control(), listed: false, progress, CancellationToken.None);
        await release!;
        var record = await day.ReadBackAsync(SarahsDay, run, Control(), controlState: "", DateTimeOffset.UnixEpoch, CancellationToken.None);

        var beat = run.Publishes.Single(p => p.Beat == Held.Number && !p.Repeated);
        Assert.Equal((PublishStatus.Accepted, held.Id), (beat.Receipt.Status, beat.Receipt.EventId));
        var state = await key.GetAsync();
        Assert.NotNull(state!.Receipt);
        Assert.Contains(state.Refusals, r => r.Outcome == ClaimOutcome.InProgress); // the day was told "in progress" and waited
        Assert.Empty(CriterionEvidence.Of(EvidenceFiles.From(record), outages: []).PublishesNeverAtSource);
        Assert.All(run.Publishes, p => Assert.NotEqual(PublishStatus.InProgress, p.Receipt.Status));
    }

    [Fact]
    public async Task ADayStopsWithTheBeatNamedWhenItsKeyStaysInProgress()
    {
        await using var cluster = await MeshTestCluster.DeployAsync(silos: 1);
        await using var session = await ConnectAsync(cluster);
        const string tenant = "held-for-ever";
        var held = Held.Event;
        var key = cluster.Client.GetGrain<IIdempotencyGrain>(MeshKeys.For(tenant, held.ScopedKey));
        var progress = new AtBeat(Held.Number - 1, () => key.ClaimAsync(PayloadFingerprint.Of(held), PublishReceipt.ToAccept(tenant, held), GatewayIncarnation.OfClient().Id).GetAwaiter().GetResult());
        var wait = new InProgressWaitOptions { Pause = TimeSpan.FromMilliseconds(50), GiveUpAfter = TimeSpan.FromSeconds(1) };

        var failure = await Assert.ThrowsAsync<EnvironmentFailureException>(() =>
            new TenantDay(session, TimeProvider.System, wait).ReplayAsync(SarahsDay, tenant, Control(), listed: false, progress, CancellationToken.None));

        Assert.Contains($"beat {Held.Number}: the publish of '{held.IdempotencyKey}' was still answered \"in progress\"", failure.Message);
        Assert.Null((await key.GetAsync())!.Receipt);
    }

    private static Task<ClusterMeshSession> ConnectAsync(TestCluster cluster) =>
        ClusterMeshSession.ConnectAsync(MeshTestCluster.Gateways(cluster), cluster.Options.ClusterId, AppCatalog.DefaultPath, CancellationToken.None);

    private static RunSettings Control() => ScenarioRunner.Settings(SarahsDay, seed: 42, RunClock.Virtual, timeScale: 0, chaos: false);

    /// <summary>Does <c>act</c> once, as beat <c>number</c> is published.</summary>
    private sealed class AtBeat(int number, Action act) : IRunProgress
    {
        public void Phase(string description)
        {
        }

        public void BeatPublished(BeatProgress beat)
        {
            if (beat.Beat.Number == number)
            {
                act();
            }
        }

        public void Finished(Scorecard scorecard, string bundlePath, Manifest manifest)
        {
        }
    }
}
