namespace Mentiora.Tests.Infrastructure;

/// <summary>The test classes that share one two-silo cluster (<see cref="SharedTwoSilos"/>); they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SharedTwoSilosCollection : ICollectionFixture<SharedTwoSilos>
{
    /// <summary>The collection's name, for <see cref="CollectionAttribute"/>.</summary>
    public const string Name = "shared two silos";
}
