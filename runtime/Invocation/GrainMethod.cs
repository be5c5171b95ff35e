using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using ApexOrleans.Runtime.Activation;

namespace ApexOrleans.Runtime.Invocation;

/// <summary>
/// One grain interface method, compiled once: how to invoke it on an activation's grain and how to hand
/// the result back in the method's own return type (Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt;).
/// </summary>
internal abstract class GrainMethod
{
    private static readonly ConcurrentDictionary<MethodInfo, GrainMethod> Cache = new();

    protected GrainMethod(MethodInfo method)
    {
        Name = $"{method.DeclaringType!.Name}.{method.Name}";
        AlwaysInterleave = method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: true);
    }

    public string Name { get; }

    public bool AlwaysInterleave { get; }

    public static GrainMethod For(MethodInfo method) => Cache.GetOrAdd(method, Create);

    /// <summary>Sends the call to the grain's activation and returns the result in the interface's return type.</summary>
    public abstract object Dispatch(GrainRuntime runtime, GrainId grainId, GrainClass grainClass, object?[] arguments);

    public static bool IsAsyncReturn(Type type) =>
        type == typeof(Task) || type == typeof(ValueTask) ||
        (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)));

    private static GrainMethod Create(MethodInfo method)
    {
        var returnType = method.ReturnType;
        var resultType = returnType.IsGenericType ? returnType.GetGenericArguments()[0] : typeof(VoidResult);
        if (!IsAsyncReturn(returnType))
        {
            throw new NotSupportedException($"{method.DeclaringType?.Name}.{method.Name} must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }

        if (method.GetParameters().Any(p => p.ParameterType.IsByRef))
        {
            throw new NotSupportedException($"{method.DeclaringType?.Name}.{method.Name} has a ref/out parameter; grain calls pass values only.");
        }

        return (GrainMethod)Activator.CreateInstance(typeof(GrainMethod<>).MakeGenericType(resultType), method)!;
    }
}

/// <summary>The typed descriptor; <typeparamref name="TResult"/> is <see cref="VoidResult"/> for Task and ValueTask.</summary>
internal sealed class GrainMethod<TResult> : GrainMethod
{
    private enum Shape { Task, TaskOfResult, ValueTask, ValueTaskOfResult }

    private readonly Func<Grain, object?[], Task<TResult>> _invoke;
    private readonly Shape _shape;

    public GrainMethod(MethodInfo method) : base(method)
    {
        var returnType = method.ReturnType;
        _shape = returnType == typeof(Task) ? Shape.Task
            : returnType == typeof(ValueTask) ? Shape.ValueTask
            : returnType.GetGenericTypeDefinition() == typeof(Task<>) ? Shape.TaskOfResult
            : Shape.ValueTaskOfResult;
        _invoke = Compile(method, _shape);
    }

    public Task<TResult> Invoke(Grain grain, object?[] arguments) => _invoke(grain, arguments);

    public override object Dispatch(GrainRuntime runtime, GrainId grainId, GrainClass grainClass, object?[] arguments)
    {
        var result = runtime.InvokeAsync(grainId, grainClass, this, arguments);
        return _shape switch
        {
            Shape.Task or Shape.TaskOfResult => result,
            Shape.ValueTask => new ValueTask(result),
            _ => new ValueTask<TResult>(result),
        };
    }

    private static Func<Grain, object?[], Task<TResult>> Compile(MethodInfo method, Shape shape)
    {
        var grain = Expression.Parameter(typeof(Grain), "grain");
        var arguments = Expression.Parameter(typeof(object[]), "arguments");
        var call = Expression.Call(
            Expression.Convert(grain, method.DeclaringType!),
            method,
            method.GetParameters().Select((p, i) =>
                Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType)));
        Expression body = shape switch
        {
            Shape.TaskOfResult => call,
            Shape.ValueTaskOfResult => Expression.Call(call, method.ReturnType.GetMethod(nameof(ValueTask<int>.AsTask))!),
            Shape.Task => Expression.Call(typeof(VoidResult).GetMethod(nameof(VoidResult.FromTask))!, call),
            _ => Expression.Call(typeof(VoidResult).GetMethod(nameof(VoidResult.FromValueTask))!, call),
        };
        return Expression.Lambda<Func<Grain, object?[], Task<TResult>>>(body, grain, arguments).Compile();
    }
}

/// <summary>The result of a grain method that returns no value.</summary>
internal readonly struct VoidResult
{
    public static async Task<VoidResult> FromTask(Task task)
    {
        await task.ConfigureAwait(false);
        return default;
    }

    public static async Task<VoidResult> FromValueTask(ValueTask task)
    {
        await task.ConfigureAwait(false);
        return default;
    }
}
