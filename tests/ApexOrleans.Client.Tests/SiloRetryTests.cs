using System.Diagnostics;
using System.Net;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Chaos;

namespace ApexOrleans.Client.Tests;

/// <summary>How a session waits for a silo and tries again, on a clock that jumps, so that two-minute deadlines take no real time.</summary>
public sealed class SiloRetryTests
{
    private static readonly SiloRetryOptions Defaults = new();

    [Fact]
    public async Task ASiloThatStaysDownIsGivenUpAfterTheRecoveryTimeout()
    {
        var clock = new JumpingClock();
        var retry = new SiloRetry(Defaults, clock);
        var tries = 0;
        var wall = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => retry.ExecuteAsync<int>((_, _) =>
        {
            tries++;
            throw new HttpRequestException("Connection refused");
        }, CancellationToken.None));

        Assert.Equal("Connection refused", failure.Message); // the last failure is the call's, as it was
        Assert.Equal(Defaults.RecoveryTimeout, clock.Elapsed);
        Assert.Equal(Defaults.RecoveryTimeout / Defaults.RetryPause + 1, tries); // a try every pause, and one at the start
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(30), $"{wall.Elapsed} of real time for a two-minute wait");
    }

    [Fact]
    public async Task ASiloThatComesBackServesTheCallAndEachTryIsToldHowTheLastWasMissed()
    {
        var clock = new JumpingClock();
        var retry = new SiloRetry(Defaults, clock);
        var missed = new List<MissedTry?>();

        var answer = await retry.ExecuteAsync((miss, _) =>
        {
            missed.Add(miss);
            return missed.Count switch
            {
                1 => throw new HttpRequestException("Connection reset"),
                2 => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)),
                3 => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized)),
                _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)),
            };
        }, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal([null, new MissedTry(null), new MissedTry(HttpStatusCode.ServiceUnavailable), new MissedTry(HttpStatusCode.Unauthorized)], missed);
        Assert.Equal(3 * Defaults.RetryPause, clock.Elapsed);
    }

    [Fact]
    public async Task ASiloStillAnswering503AtTheDeadlineGivesThatAnswer()
    {
        var clock = new JumpingClock();
        var retry = new SiloRetry(Defaults with { RecoveryTimeout = TimeSpan.FromSeconds(10) }, clock);
        var answers = new List<HttpResponseMessage>();

        var last = await retry.ExecuteAsync((_, _) =>
        {
            answers.Add(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("declared dead") });
            return Task.FromResult(answers[^1]);
        }, CancellationToken.None);

        Assert.Same(answers[^1], last);
        Assert.Equal("declared dead", await last.Content.ReadAsStringAsync());
        Assert.Throws<ObjectDisposedException>(() => answers[0].Content.ReadAsStream()); // answers tried again are let go
        Assert.Equal(TimeSpan.FromSeconds(10), clock.Elapsed);
    }

    [Fact]
    public async Task ATryThatFindsNoSiloYetEndsInAnErrorThatSaysHowLongWasWaited()
    {
        var retry = new SiloRetry(Defaults, new JumpingClock());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => retry.ExecuteAsync<int>(
            (_, _) => throw new SiloStillAwayException("The silo at http://127.0.0.1:5080 did not become ready again"), CancellationToken.None));

        Assert.Equal("The silo at http://127.0.0.1:5080 did not become ready again within 00:02:00.", failure.Message);
    }

    [Fact]
    public async Task AnAnswerOrAFailureThatIsNoMissIsNotTriedAgain()
    {
        var clock = new JumpingClock();
        var retry = new SiloRetry(Defaults, clock);
        var tries = 0;

        var notFound = await retry.ExecuteAsync((_, _) => Task.FromResult(new HttpResponseMessage((HttpStatusCode)(++tries == 1 ? 404 : 200))), CancellationToken.None);
        await Assert.ThrowsAsync<BadInputException>(() => retry.ExecuteAsync<int>((_, _) => { tries++; throw new BadInputException("no such app"); }, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(2, tries);
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
    }

    [Fact]
    public async Task TheKillSwitchIsSentAgainUntilEverySiloConfirmsIt()
    {
        var clock = new JumpingClock();
        var outage = new FaultRequest { Kind = InjectedFaultKinds.AppOutage, App = "trutalk" };
        var (first, second) = (new InjectedFault("f1", outage, DateTimeOffset.UnixEpoch), new InjectedFault("f2", outage, DateTimeOffset.UnixEpoch));
        var answers = new Queue<(IReadOnlyList<InjectedFault>, IReadOnlyList<string>)>([([first], ["silo-b"]), ([], ["silo-b"]), ([second], [])]);

        var reverted = await MeshFaults.UntilEverySiloConfirmsAsync(new SiloRetry(Defaults, clock), _ => Task.FromResult(answers.Dequeue()), CancellationToken.None);

        Assert.Equal(["f1", "f2"], reverted.Select(f => f.Id));
        Assert.Equal(2 * Defaults.RetryPause, clock.Elapsed);
    }

    [Fact]
    public async Task AKillSwitchThatASiloNeverConfirmsNamesItAtTheDeadline()
    {
        var retry = new SiloRetry(Defaults with { RecoveryTimeout = TimeSpan.FromMinutes(1) }, new JumpingClock());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => MeshFaults.UntilEverySiloConfirmsAsync(retry,
            _ => Task.FromResult<(IReadOnlyList<InjectedFault>, IReadOnlyList<string>)>(([], ["silo-b", "silo-c"])), CancellationToken.None));

        Assert.Equal("The kill switch could not reach silos silo-b, silo-c within 00:01:00.", failure.Message);
    }
}
