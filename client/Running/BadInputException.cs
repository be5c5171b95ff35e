namespace ApexOrleans.Client.Running;

/// <summary>Input the user gave is wrong (an option's value, a URL, a keys file): refused before anything is run or written.</summary>
public sealed class BadInputException(string message) : Exception(message);
