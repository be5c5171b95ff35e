using System.Collections.Concurrent;
using System.Reflection;
using ApexOrleans.Runtime.Activation;

namespace ApexOrleans.Runtime.Invocation;

/// <summary>The silo's <see cref="IGrainFactory"/>: resolves the grain class and returns a proxy for the identity.</summary>
internal sealed class GrainFactory(GrainRuntime runtime, GrainClassRegistry registry) : IGrainFactory
{
    // DispatchProxy.Create constructs through reflection every time, and its invoke stubs are re-emitted under memory
    // pressure (the JIT was a tenth of the CPU at thousands of calls a second): one template proxy per interface is
    // made by DispatchProxy, and each reference is a copy of it.
    private static readonly ConcurrentDictionary<Type, GrainReference> Templates = new();

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var grainClass = registry.Resolve(typeof(TGrainInterface));
        var template = Templates.GetOrAdd(typeof(TGrainInterface), static _ => (GrainReference)(object)DispatchProxy.Create<TGrainInterface, GrainReference>()!);
        var proxy = template.CopyUnbound();
        proxy.Bind(runtime, new GrainId(grainClass.TypeName, key), grainClass);
        return (TGrainInterface)(object)proxy;
    }
}
