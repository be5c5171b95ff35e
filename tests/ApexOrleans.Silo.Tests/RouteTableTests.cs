using System.Reflection;
using ApexOrleans.Contracts.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Silo.Tests;

/// <summary>The silo and its client share one route table: whatever API route the silo maps is written there.</summary>
public sealed class RouteTableTests
{
    [Fact]
    public async Task EveryApiRouteTheSiloMapsComesFromTheSharedRouteTable()
    {
        await using var silo = await RunningSilo.StartAsync();

        var mapped = silo.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            .Where(p => p.StartsWith("/api/", StringComparison.Ordinal) || p.StartsWith("/health/", StringComparison.Ordinal))
            .ToHashSet();
        var table = typeof(ApiRoutes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!).ToList();
        var groups = table.Where(r => r.StartsWith("/api/", StringComparison.Ordinal) || r.StartsWith("/health/", StringComparison.Ordinal)).ToList();
        var written = groups.Concat(groups.SelectMany(g => table.Except(groups).Select(r => g + r))).ToHashSet();

        Assert.True(mapped.Count > 20, $"only {mapped.Count} routes found: {string.Join(", ", mapped)}");
        Assert.Empty(mapped.Except(written).Order());
    }
}
