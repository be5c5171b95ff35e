namespace ApexOrleans.Runtime;

/// <summary>Marker for grain interfaces: every method returns Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;.</summary>
public interface IGrain;

/// <summary>A grain interface whose identities are strings, as in Orleans.</summary>
public interface IGrainWithStringKey : IGrain;
