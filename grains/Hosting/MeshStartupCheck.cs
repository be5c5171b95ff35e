using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Tenancy;
using ApexOrleans.Contracts.Books;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ApexOrleans.Grains.Publishing;
using ApexOrleans.Grains.Remote;

namespace ApexOrleans.Grains.Hosting;

/// <summary>
/// At silo start: starts keeping spans, loads and checks the app catalog, the reactions and the remote apps' endpoints (a bad file stops the silo then, not at the
/// first event), and wakes the default tenant, whose publishers have no runner to resume them after a restart. The
/// wake-up runs in the background and is retried until storage answers, so a silo whose database is down still
/// starts and reports itself not ready.
/// </summary>
internal sealed class MeshStartupCheck(IServiceProvider services, TimeProvider clock, ILogger<MeshStartupCheck> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _waking = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<AppCatalog>();
        services.GetRequiredService<ReactionCatalog>();
        services.GetRequiredService<RemoteApps>(); // a bad endpoint or a missing webhook secret stops the silo now
        services.GetRequiredService<Diagnostics.TraceRecorder>(); // listening before the first span
        _waking = WakeDefaultTenantAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _waking;
    }

    private async Task WakeDefaultTenantAsync(CancellationToken stopping)
    {
        var wait = TimeSpan.FromMilliseconds(200);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await services.GetRequiredService<MeshGateway>().ResumeAsync(MeshKeys.DefaultTenant);
                return;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                logger.LogWarning("Waking the default tenant failed ({Error}); retrying in {Wait}.", e.Message, wait);
                try
                {
                    await Task.Delay(wait, clock, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
            catch (Exception)
            {
                return; // stopping
            }
        }
    }
}
