using ApexOrleans.Contracts.Http;
using System.Collections.Concurrent;
using System.Net.Http.Json;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Contracts.Serialization;

namespace ApexOrleans.Client.Running;

/// <summary>What the silo answers when it creates (or resumes) a run: its clock, and the keys its apps publish with.</summary>
internal sealed record CreatedRun(DateTimeOffset Time, IReadOnlyDictionary<string, string> Keys);

/// <summary>
/// The runs a session has started and not ended, with how far each one's clock and publish sequence got, so that a silo
/// that lost a run (it restarted, or the run's tenant moved to another silo) takes it up again where it was.
/// </summary>
internal sealed class ResumableRuns
{
    private readonly ConcurrentDictionary<string, RunState> _runs = [];

    private sealed record RunState(RunSettings Settings, DateTimeOffset Clock, long Sequence, bool Listed);

    /// <summary>Notes a run as it is started, at its clock's start.</summary>
    public void Start(string tenant, RunSettings settings, bool listed) => _runs[tenant] = new RunState(settings, settings.ClockStart, 0, listed);

    /// <summary>Forgets a run, before it is ended: a recovery running meanwhile must not take it up again.</summary>
    public void End(string tenant) => _runs.TryRemove(tenant, out _);

    /// <summary>Whether <paramref name="tenant"/> is a run of this session that is not ended.</summary>
    public bool Holds(string tenant) => _runs.ContainsKey(tenant);

    /// <summary>Notes that the run has published up to <paramref name="sequence"/>.</summary>
    public void NoteSequence(string tenant, long sequence)
    {
        if (_runs.TryGetValue(tenant, out var run) && sequence > run.Sequence)
        {
            _runs[tenant] = run with { Sequence = sequence };
        }
    }

    /// <summary>Notes that the run's clock got to <paramref name="time"/>, and returns it.</summary>
    public DateTimeOffset NoteClock(string tenant, DateTimeOffset time)
    {
        if (_runs.TryGetValue(tenant, out var run) && time > run.Clock)
        {
            _runs[tenant] = run with { Clock = time };
        }

        return time;
    }

    /// <summary>
    /// Takes the run of <paramref name="tenant"/> (every run, when null) up again on <paramref name="silo"/>, with its
    /// clock where it had got to, and keeps the keys the silo gives it.
    /// </summary>
    public async Task ResumeAsync(string? tenant, HttpClient silo, SiloKeyRing keys, CancellationToken cancellationToken)
    {
        foreach (var (runId, run) in tenant is null ? _runs : _runs.Where(r => r.Key == tenant))
        {
            // The run's settings, with its clock where it had got to; its durable queues and holds are woken by the silo.
            using var resume = keys.AdminRequest(HttpMethod.Post, ApiRoutes.Runs,
                new { runId, settings = run.Settings with { ClockStart = run.Clock }, resume = true, sequence = run.Sequence, listed = run.Listed });
            using var response = await silo.SendAsync(resume, cancellationToken);
            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<CreatedRun>(MeshJson.Options, cancellationToken) is { } created)
            {
                keys.HoldRunKeys(runId, created.Keys); // derived from the admin key, which a restarted development silo changed
            }
        }
    }
}
