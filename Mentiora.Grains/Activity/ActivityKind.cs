namespace Mentiora.Grains.Activity;

/// <summary>What a project activity entry records; stored by number, so values are never renumbered.</summary>
public enum ActivityKind
{
    KeyCreated = 1,
    KeyRenamed = 2,
    KeyRevoked = 3,
    OriginAdded = 4,
    OriginRemoved = 5,
    MemberAdded = 6,
    MemberRemoved = 7,
    ReportOnlySwitched = 8,
    RequireIdentityTokenSwitched = 9,

    // Kept free for key lifecycle changes that record an entry the same way.
    KeyRolled = 10,
    KeyExpired = 11,
    SigningSecretRolled = 12,
    PublishableKeyRolled = 13,

    // Project-wide settings.
    TraceRetentionChanged = 20,
}
