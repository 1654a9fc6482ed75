namespace Mentiora.Grains.Projects;

/// <summary>
/// The key a rolled key replaced, as the project grain stores it (its hash only, never the key): it
/// authenticates until <see cref="StopsWorkingAt"/>, then answers "replaced", until it is forgotten.
/// </summary>
[GenerateSerializer, Alias("Mentiora.KeyPredecessor")]
public sealed class KeyPredecessor
{
    /// <summary>Id of the old key's row in the list (its own, so it can be revoked alone); not a directory owner.</summary>
    [Id(0)] public Guid Id { get; set; }

    /// <summary>First 8 characters of the old key; its directory entry stays claimed while this record is kept.</summary>
    [Id(1)] public string Prefix { get; set; } = string.Empty;

    /// <summary>SHA-256 of the old key.</summary>
    [Id(2)] public byte[] Hash { get; set; } = [];

    /// <summary>When the old key was created.</summary>
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the old key last authenticated a request; written with the other last-used times.</summary>
    [Id(4)] public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>When the key was rolled: the date its refusal names.</summary>
    [Id(5)] public DateTimeOffset RolledAt { get; set; }

    /// <summary>When the old key stops working, decided at request time on every silo alike.</summary>
    [Id(6)] public DateTimeOffset StopsWorkingAt { get; set; }
}
