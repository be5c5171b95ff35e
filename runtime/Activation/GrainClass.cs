using System.Reflection;
using ApexOrleans.Runtime.State;
using ApexOrleans.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Runtime.Activation;

/// <summary>What the runtime knows about one grain class: its type name, turn policy, collection age and how to build it.</summary>
internal sealed class GrainClass
{
    private readonly ConstructorInfo _constructor;
    private readonly ParameterInfo[] _parameters;

    public GrainClass(Type type)
    {
        if (!typeof(Grain).IsAssignableFrom(type) || type.IsAbstract || type.IsGenericTypeDefinition)
        {
            throw new ArgumentException($"{type.FullName} is not a concrete grain class (a non-abstract subclass of Grain).");
        }

        Type = type;
        TypeName = type.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? DefaultTypeName(type);
        IsReentrant = type.IsDefined(typeof(ReentrantAttribute), inherit: true);
        CollectionAge = type.GetCustomAttribute<CollectionAgeLimitAttribute>(inherit: true)?.Age;
        var constructors = type.GetConstructors();
        _constructor = constructors.Length switch
        {
            0 => throw new ArgumentException($"Grain class {type.FullName} has no public constructor."),
            1 => constructors[0],
            _ => constructors.OrderByDescending(c => c.GetParameters().Length).First(),
        };
        _parameters = _constructor.GetParameters();
        foreach (var parameter in _parameters)
        {
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is not null && PersistentStateType(parameter) is null)
            {
                throw new ArgumentException(
                    $"Parameter '{parameter.Name}' of {type.FullName} has [PersistentState] but is not an IPersistentState<T>.");
            }
        }
    }

    public Type Type { get; }

    public string TypeName { get; }

    public bool IsReentrant { get; }

    public TimeSpan? CollectionAge { get; }

    /// <summary>Constructs the grain for an activation; persistent states are returned to be loaded before activation.</summary>
    public Grain Create(GrainActivation activation, IServiceProvider services, List<IActivationStateLoader> states)
    {
        var arguments = new object?[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } stateAttribute)
            {
                var storageName = stateAttribute.StorageName ?? GrainStorageNames.Default;
                var storage = services.GetKeyedService<IGrainStorage>(storageName)
                    ?? throw new InvalidOperationException(
                        $"Grain {Type.Name} asks for storage '{storageName}' for state '{stateAttribute.StateName}', but no such storage provider is configured.");
                var stateType = typeof(PersistentState<>).MakeGenericType(PersistentStateType(parameter)!);
                var state = Activator.CreateInstance(stateType, activation.GrainId, stateAttribute.StateName, storage)!;
                states.Add((IActivationStateLoader)state);
                arguments[i] = state;
            }
            else
            {
                arguments[i] = services.GetService(parameter.ParameterType)
                    ?? throw new InvalidOperationException(
                        $"Grain {Type.Name} needs a {parameter.ParameterType.Name} ('{parameter.Name}') that is not registered in the silo's services.");
            }
        }

        GrainActivation.Constructing = activation;
        try
        {
            return (Grain)_constructor.Invoke(arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        finally
        {
            GrainActivation.Constructing = null;
        }
    }

    private static Type? PersistentStateType(ParameterInfo parameter) =>
        parameter.ParameterType.IsGenericType && parameter.ParameterType.GetGenericTypeDefinition() == typeof(IPersistentState<>)
            ? parameter.ParameterType.GetGenericArguments()[0]
            : null;

    private static string DefaultTypeName(Type type)
    {
        var name = type.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }
}
