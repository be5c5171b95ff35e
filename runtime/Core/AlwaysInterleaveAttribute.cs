namespace ApexOrleans.Runtime;

/// <summary>
/// On a grain interface method: calls to it run beside any other turn of the activation instead of
/// waiting for the running turn to finish. For read-only or self-synchronised methods.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;
