using ApexOrleans.Contracts.Http;

namespace ApexOrleans.Client.Tests;

/// <summary>A request's path is the shared route with its values filled in, escaped.</summary>
public sealed class ApiRoutesTests
{
    [Fact]
    public void ARouteIsFilledInOrderWithEachValueEscaped()
    {
        Assert.Equal("/api/v1/tenants/run-1/receipts/flowbills/inv%2F7%20a",
            ApiRoutes.To(ApiRoutes.Tenants, ApiRoutes.PublishReceipt, "run-1", "flowbills", "inv/7 a"));
        Assert.Equal("/api/v1/runs/run-1/clock", ApiRoutes.To(ApiRoutes.Runs, ApiRoutes.RunClock, "run-1"));
    }

    [Fact]
    public void ARouteGivenTooFewOrTooManyValuesIsRefused()
    {
        Assert.Throws<ArgumentException>(() => ApiRoutes.To(ApiRoutes.Tenants, ApiRoutes.AppReceipts, "run-1"));
        Assert.Throws<ArgumentException>(() => ApiRoutes.To(ApiRoutes.Runs, ApiRoutes.Run, "run-1", "extra"));
    }
}
