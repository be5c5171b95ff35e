using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Runtime.Hosting;

/// <summary>Configures a silo: its grains, storage providers and options.</summary>
public interface ISiloBuilder
{
    /// <summary>The silo's services.</summary>
    IServiceCollection Services { get; }
}

internal sealed class SiloBuilder(IServiceCollection services) : ISiloBuilder
{
    public IServiceCollection Services { get; } = services;
}
