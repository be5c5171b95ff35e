namespace ApexOrleans.Storage.Tests;

/// <summary>Waits for a condition that background work makes true, failing after a generous real-time limit.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Still not true after {limit ?? TimeSpan.FromSeconds(10)}: {what}");
            }

            await Task.Delay(10);
        }
    }

    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Still not true after {limit ?? TimeSpan.FromSeconds(10)}: {what}");
            }

            await Task.Delay(100);
        }
    }
}
