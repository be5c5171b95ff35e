using System.Reflection;
using ApexOrleans.Runtime.Invocation;

namespace ApexOrleans.Runtime.Activation;

/// <summary>Maps each grain interface to its one implementing class; built and validated once at silo start.</summary>
internal sealed class GrainClassRegistry
{
    private readonly Dictionary<Type, GrainClass> _byInterface = [];
    private readonly Dictionary<string, GrainClass> _byTypeName = [];

    public GrainClassRegistry(IEnumerable<Type> grainClasses)
    {
        foreach (var type in grainClasses.Distinct())
        {
            var grainClass = new GrainClass(type);
            if (!_byTypeName.TryAdd(grainClass.TypeName, grainClass))
            {
                throw new InvalidOperationException(
                    $"Grain classes {_byTypeName[grainClass.TypeName].Type.FullName} and {type.FullName} share the grain type name '{grainClass.TypeName}'; give one a [GrainType(\"...\")].");
            }

            foreach (var grainInterface in type.GetInterfaces().Where(IsGrainInterface))
            {
                ValidateInterface(grainInterface);
                if (!_byInterface.TryAdd(grainInterface, grainClass))
                {
                    throw new InvalidOperationException(
                        $"Grain interface {grainInterface.FullName} is implemented by both {_byInterface[grainInterface].Type.FullName} and {type.FullName}; a grain interface needs exactly one grain class.");
                }
            }
        }
    }

    /// <summary>The grain type names of every registered class.</summary>
    public IReadOnlyCollection<string> TypeNames => _byTypeName.Keys;

    public GrainClass Resolve(Type grainInterface) =>
        _byInterface.TryGetValue(grainInterface, out var grainClass)
            ? grainClass
            : throw new ArgumentException(
                $"No grain class implements {grainInterface.FullName}. Register its assembly with siloBuilder.AddGrains(...).");

    public static bool IsGrainInterface(Type type) =>
        type.IsInterface && typeof(IGrain).IsAssignableFrom(type) && type != typeof(IGrain) && type != typeof(IGrainWithStringKey);

    private static void ValidateInterface(Type grainInterface)
    {
        foreach (var method in grainInterface.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!GrainMethod.IsAsyncReturn(method.ReturnType))
            {
                throw new InvalidOperationException(
                    $"{grainInterface.Name}.{method.Name} returns {method.ReturnType.Name}; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>.");
            }
        }
    }
}
