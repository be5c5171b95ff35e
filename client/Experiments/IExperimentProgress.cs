namespace ApexOrleans.Client.Experiments;

/// <summary>What an experiment reports while it runs: its phases, each sample of the probes, and notable moments.</summary>
public interface IExperimentProgress
{
    /// <summary>A phase began.</summary>
    void Phase(string text);

    /// <summary>A sample of the live probes was taken.</summary>
    void Sampled(ProbeSample sample, int tenantsInFlight);

    /// <summary>Something happened: a fault went on or off, a probe broke, the kill switch was pulled.</summary>
    void Note(string text);

    /// <summary>The run is over and its journal stored at <paramref name="path"/>.</summary>
    void Finished(ExperimentJournal journal, string path);
}
