using ApexOrleans.Contracts.ChaosPolicy;
using ApexOrleans.Bench.Workloads;
using ApexOrleans.Contracts.Chaos;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Envelope;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Grains.Publishing;
using ApexOrleans.Storage.Hosting;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Bench.Micro;

/// <summary>The mesh's hot micro-paths, with allocations: parse an envelope, decide chaos, check a breaker, look up a receipt.</summary>
[MemoryDiagnoser]
public class MeshPaths
{
    private string _cloudEvent = "";
    private EventEnvelope _envelope = null!;
    private SeededChaosPolicy _chaos = null!;
    private BenchSilo _silo = null!;
    private ICircuitBreakerGrain _circuit = null!;
    private IIdempotencyGrain _key = null!;
    private string _fingerprint = "";
    private string _claimant = "";
    private DateTimeOffset _now;

    /// <summary>Starts a silo on memory storage and publishes one event, so its key has a receipt.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var options = new Harness.BenchOptions();
        _envelope = MeshDays.Load(options.ScenarioPath, options.CatalogPath).Beats[0];
        _cloudEvent = System.Text.Encoding.UTF8.GetString(MeshCloudEvents.Encode(_envelope));
        _chaos = new SeededChaosPolicy(new ChaosSettings { Seed = 42, TimeoutRate = 0.1, NetworkFailureRate = 0.1, ServerErrorRate = 0.1, DuplicateRate = 0.1, ResponseLostRate = 0.05 });
        _silo = BenchSilo.StartAsync(GrainStorageChoice.Memory(), options.CatalogPath).GetAwaiter().GetResult();
        _silo.Gateway.PublishAsync("micro", _envelope).GetAwaiter().GetResult();
        _circuit = _silo.Grains.GetGrain<ICircuitBreakerGrain>(MeshKeys.For("micro", _envelope.Targets[0]));
        _key = _silo.Grains.GetGrain<IIdempotencyGrain>(MeshKeys.For("micro", _envelope.ScopedKey));
        _fingerprint = PayloadFingerprint.Of(_envelope);
        _claimant = _silo.Services.GetRequiredService<GatewayIncarnation>().Id;
        _now = _silo.Tenants.Get("micro").Clock.GetUtcNow();
    }

    /// <summary>Stops the silo.</summary>
    [GlobalCleanup]
    public void Cleanup() => _silo.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>A CloudEvent body to a validated envelope.</summary>
    [Benchmark]
    public EventEnvelope EnvelopeParse() => EnvelopeParser.Parse(_cloudEvent);

    /// <summary>One hashed chaos decision for a delivery attempt.</summary>
    [Benchmark]
    public ChaosDecision ChaosDecisionForAttempt() => _chaos.DecideAttempt(new DeliveryAttemptContext(_envelope, _envelope.Targets[0], DeliveryRole.Target, 1, 1));

    /// <summary>Asking a closed circuit for a permit (a grain call).</summary>
    [Benchmark]
    public async Task<bool> BreakerCheck() => (await _circuit.TryAcquireAsync(_now, _envelope.Id)).Allowed;

    /// <summary>A repeated publish finding its key's receipt (a grain call; the refusal is recorded).</summary>
    [Benchmark]
    public async Task<ClaimOutcome> ReceiptLookup() => (await _key.ClaimAsync(_fingerprint, PublishReceipt.ToAccept("micro", _envelope), _claimant)).Outcome;
}
