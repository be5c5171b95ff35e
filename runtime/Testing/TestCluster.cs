using ApexOrleans.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ApexOrleans.Runtime.Testing;

/// <summary>
/// An in-process silo for tests (Orleans' TestingHost): start it on a chosen storage, get a grain factory,
/// and stop and start it again over the same store to prove state survives.
/// </summary>
public sealed class TestCluster(TestClusterOptions options) : IAsyncDisposable
{
    private IHost? _host;

    /// <summary>The running silo.</summary>
    public Silo Silo => Services.GetRequiredService<Silo>();

    /// <summary>The running silo's grain factory.</summary>
    public IGrainFactory GrainFactory => Silo.GrainFactory;

    /// <summary>The running silo's services.</summary>
    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("The test cluster is not started.");

    /// <summary>Starts a new silo over the configured store.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_host is not null)
        {
            throw new InvalidOperationException("The test cluster is already started.");
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(options.TimeProvider);
        builder.UseSilo(silo =>
        {
            silo.UseGrainStorage(options.Storage);
            options.ConfigureSilo(silo);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        _host = host;
    }

    /// <summary>Stops the silo gracefully: accepted turns finish and every activation is deactivated.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_host is { } host)
        {
            _host = null;
            await host.StopAsync(cancellationToken).ConfigureAwait(false);
            // Async disposal: storage providers hold connection pools that only dispose asynchronously.
            await ((IAsyncDisposable)host).DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the silo and starts a new one over the same store.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken).ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
