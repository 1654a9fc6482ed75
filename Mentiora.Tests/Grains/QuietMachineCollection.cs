namespace Mentiora.Tests.Grains;

/// <summary>
/// Tests that measure time and so need the machine to themselves: xUnit runs a collection that
/// disables parallelization after all the parallel ones, when nothing else competes for the cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class QuietMachineCollection
{
    /// <summary>The collection's name, for <see cref="CollectionAttribute"/>.</summary>
    public const string Name = "quiet machine";
}
