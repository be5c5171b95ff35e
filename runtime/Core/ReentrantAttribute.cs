namespace ApexOrleans.Runtime;

/// <summary>
/// Lets every call to this grain class interleave with the others at await points.
/// Use it only where the grain's state stays consistent when turns interleave.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;
