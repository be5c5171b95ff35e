namespace ApexOrleans.Client.Running;

/// <summary>The machine, not the input, stopped the command: an output folder that cannot be written, a silo or storage that does not answer.</summary>
public sealed class EnvironmentFailureException(string message, Exception? inner = null) : Exception(message, inner);
