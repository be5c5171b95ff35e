using System.Runtime.CompilerServices;

namespace ApexOrleans.Storage;

/// <summary>
/// The state a grain gets when nothing is stored: made as Orleans' own providers make it (their default activator), by
/// the parameterless constructor if the type has one, else as an uninitialised object.
/// </summary>
internal static class DefaultState<T>
{
    private static readonly bool Constructible = typeof(T).IsValueType || typeof(T).GetConstructor(Type.EmptyTypes) is not null;

    public static T Create() => Constructible ? Activator.CreateInstance<T>() : (T)RuntimeHelpers.GetUninitializedObject(typeof(T));
}
