namespace ApexOrleans.Runtime;

/// <summary>Thrown to a caller when the silo is not started or is shutting down.</summary>
public sealed class SiloUnavailableException(string message) : Exception(message);
