using System.Linq.Expressions;
using System.Reflection;
using ApexOrleans.Runtime.State;
using ApexOrleans.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Runtime.Activation;

/// <summary>What the runtime knows about one grain class: its type name, turn policy, collection age and how to build it.</summary>
internal sealed class GrainClass
{
    private readonly ParameterInfo[] _parameters;
    private readonly Func<object?[], Grain> _construct;
    private readonly Func<GrainId, IGrainStorage, object>?[] _stateFactories;
    private readonly PersistentStateAttribute?[] _stateAttributes;

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
        var constructor = constructors.Length switch
        {
            0 => throw new ArgumentException($"Grain class {type.FullName} has no public constructor."),
            1 => constructors[0],
            _ => constructors.OrderByDescending(c => c.GetParameters().Length).First(),
        };
        _parameters = constructor.GetParameters();
        _stateAttributes = new PersistentStateAttribute?[_parameters.Length];
        _stateFactories = new Func<GrainId, IGrainStorage, object>?[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is not { } attribute)
            {
                continue;
            }

            var stateType = PersistentStateType(parameter) ?? throw new ArgumentException(
                $"Parameter '{parameter.Name}' of {type.FullName} has [PersistentState] but is not an IPersistentState<T>.");
            _stateAttributes[i] = attribute;
            _stateFactories[i] = StateFactory(stateType, attribute.StateName);
        }

        _construct = Constructor(constructor);
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
            if (_stateAttributes[i] is { } stateAttribute)
            {
                var storageName = stateAttribute.StorageName ?? GrainStorageNames.Default;
                var storage = services.GetKeyedService<IGrainStorage>(storageName)
                    ?? throw new InvalidOperationException(
                        $"Grain {Type.Name} asks for storage '{storageName}' for state '{stateAttribute.StateName}', but no such storage provider is configured.");
                var state = _stateFactories[i]!(activation.GrainId, storage);
                states.Add((IActivationStateLoader)state);
                arguments[i] = state;
            }
            else
            {
                var parameter = _parameters[i];
                arguments[i] = services.GetService(parameter.ParameterType)
                    ?? throw new InvalidOperationException(
                        $"Grain {Type.Name} needs a {parameter.ParameterType.Name} ('{parameter.Name}') that is not registered in the silo's services.");
            }
        }

        GrainActivation.Constructing = activation;
        try
        {
            return _construct(arguments);
        }
        finally
        {
            GrainActivation.Constructing = null;
        }
    }

    /// <summary>
    /// Compiled once per class: reflection's invoke stubs are dropped and re-emitted under memory pressure, which at
    /// thousands of activations a second kept the JIT busy.
    /// </summary>
    private static Func<object?[], Grain> Constructor(ConstructorInfo constructor)
    {
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var parameters = constructor.GetParameters().Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType));
        return Expression.Lambda<Func<object?[], Grain>>(Expression.Convert(Expression.New(constructor, parameters), typeof(Grain)), arguments).Compile();
    }

    private static Func<GrainId, IGrainStorage, object> StateFactory(Type stateType, string stateName)
    {
        var constructor = typeof(PersistentState<>).MakeGenericType(stateType).GetConstructor([typeof(GrainId), typeof(string), typeof(IGrainStorage)])!;
        var grainId = Expression.Parameter(typeof(GrainId), "grainId");
        var storage = Expression.Parameter(typeof(IGrainStorage), "storage");
        return Expression.Lambda<Func<GrainId, IGrainStorage, object>>(
            Expression.New(constructor, grainId, Expression.Constant(stateName), storage), grainId, storage).Compile();
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
