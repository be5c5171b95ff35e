using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Reactions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ApexOrleans.Grains.Hosting;

/// <summary>Loads and checks the app catalog and the reactions when the silo starts, so a bad file stops it then, not at the first event.</summary>
internal sealed class MeshStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<AppCatalog>();
        services.GetRequiredService<ReactionCatalog>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
