namespace Mentiora.Grains.Activity;

/// <summary>
/// One change to a project as its activity log keeps it: who, what, when and from where. It names a
/// key by its 8-character prefix only, never by the key, a secret or a token.
/// </summary>
[GenerateSerializer, Alias("Mentiora.ActivityEntry")]
public sealed record ActivityEntry
{
    /// <summary>Unique per entry, so inserting it again after a crash does not add a second row.</summary>
    [Id(0)] public Guid Id { get; init; }

    [Id(1)] public Guid ProjectId { get; init; }

    [Id(2)] public DateTimeOffset At { get; init; }

    /// <summary>The acting account's email.</summary>
    [Id(3)] public string Actor { get; init; } = string.Empty;

    [Id(4)] public ActivityKind Kind { get; init; }

    [Id(5)] public Guid? KeyId { get; init; }

    [Id(6)] public string? KeyName { get; init; }

    [Id(7)] public string? KeyPrefix { get; init; }

    /// <summary>What changed, by kind: the new name, the origin, the member's email, "on"/"off".</summary>
    [Id(8)] public string? Details { get; init; }

    /// <summary>The dashboard request's remote address, when the call came from one.</summary>
    [Id(9)] public string? ClientAddress { get; init; }

    /// <summary>The name before a rename.</summary>
    [Id(10)] public string? PreviousValue { get; init; }
}
