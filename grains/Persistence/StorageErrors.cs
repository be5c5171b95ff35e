
namespace ApexOrleans.Grains.Persistence;

/// <summary>
/// Orleans hands a grain its storage provider's failure wrapped in a plain <see cref="OrleansException"/> ("Error from
/// storage provider …"), with the provider's exception inside. What the mesh records and what the HTTP API answers
/// depend on the failure itself (an unreachable database, an injected outage), so they look through the wrapping.
/// </summary>
public static class StorageErrors
{
    /// <summary>The exception a storage provider threw, when <paramref name="exception"/> is Orleans' wrapping of it; else the exception itself.</summary>
    public static Exception Cause(this Exception exception)
    {
        while (exception.GetType() == typeof(OrleansException) && exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }
}
