using System.Net;

namespace ApexOrleans.Silo.Tests;

/// <summary>Orleans' own dashboard beside the mesh's: mounted only when asked for, and then serving the runtime's figures.</summary>
public sealed class RuntimeDashboardTests
{
    [Fact]
    public async Task OrleansDashboardIsMountedAtOrleansOnlyWhenAskedFor()
    {
        await using (var plain = await RunningSilo.StartAsync())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await plain.Http.GetAsync("/orleans/")).StatusCode);
        }

        await using var silo = await RunningSilo.StartAsync("--Apex:OrleansDashboard", "true");
        var page = await silo.Http.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        await ApiTests.Eventually(async () =>
        {
            // Its counters come from the silo's grain service: the silo itself is among them once it reports.
            var counters = await silo.Http.GetAsync("/orleans/DashboardCounters");
            return counters.StatusCode == HttpStatusCode.OK && (await counters.Content.ReadAsStringAsync()).Contains("\"totalActiveHostCount\":1", StringComparison.Ordinal);
        });
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/")).StatusCode); // the mesh's dashboard stays the main page
    }
}
