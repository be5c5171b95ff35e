namespace ApexOrleans.Runtime;

/// <summary>Hands out references to grains; a reference's calls run on the one activation of that identity.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of interface <typeparamref name="TGrainInterface"/> with this key.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;
}
