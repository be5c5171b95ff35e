using System.Reflection;
using ApexOrleans.Runtime.Activation;

namespace ApexOrleans.Runtime.Invocation;

/// <summary>
/// The proxy behind a grain interface returned by <see cref="IGrainFactory.GetGrain{TGrainInterface}"/>:
/// holds only the identity, so it is cheap and valid across deactivations and silo restarts.
/// </summary>
public class GrainReference : DispatchProxy
{
    private GrainRuntime? _runtime;
    private GrainClass? _grainClass;

    /// <summary>The identity this reference calls.</summary>
    public GrainId GrainId { get; private set; }

    /// <summary>A new proxy of the same generated type, not yet bound (a shallow copy of this template's proxy fields).</summary>
    internal GrainReference CopyUnbound() => (GrainReference)MemberwiseClone();

    internal void Bind(GrainRuntime runtime, GrainId grainId, GrainClass grainClass)
    {
        _runtime = runtime;
        GrainId = grainId;
        _grainClass = grainClass;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        GrainMethod.For(targetMethod!).Dispatch(_runtime!, GrainId, _grainClass!, args ?? []);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GrainReference other && other.GrainId == GrainId;

    /// <inheritdoc />
    public override int GetHashCode() => GrainId.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"GrainReference({GrainId})";
}
