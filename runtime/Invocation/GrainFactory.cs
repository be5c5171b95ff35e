using System.Reflection;
using ApexOrleans.Runtime.Activation;

namespace ApexOrleans.Runtime.Invocation;

/// <summary>The silo's <see cref="IGrainFactory"/>: resolves the grain class and returns a proxy for the identity.</summary>
internal sealed class GrainFactory(GrainRuntime runtime, GrainClassRegistry registry) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var grainClass = registry.Resolve(typeof(TGrainInterface));
        var proxy = DispatchProxy.Create<TGrainInterface, GrainReference>();
        ((GrainReference)(object)proxy).Bind(runtime, new GrainId(grainClass.TypeName, key), grainClass);
        return proxy;
    }
}
