namespace Mentiora.Grains.Projects;

/// <summary>
/// A project as the dashboard sees it, keyed by its id: its members and API keys. Every method
/// takes the acting account first and answers as if the project did not exist when that account
/// is not a member.
/// </summary>
[Alias("Mentiora.IProjectDashboardGrain")]
public interface IProjectDashboardGrain : IGrainWithGuidKey
{
    /// <summary>Creates the project with the acting account as its owner; false when it exists already or the name is invalid.</summary>
    [Alias("Create")]
    Task<bool> Create(string actor, string name);

    /// <summary>The project's name, members and keys; null when the account is not a member.</summary>
    [Alias("GetSettings")]
    Task<ProjectSettings?> GetSettings(string actor);

    /// <summary>
    /// Creates a key with an optional name; returns its plaintext and signing secret this once. With the
    /// token of a one-time form (<see cref="OneTimeForms"/>), a form sent again creates nothing. The key
    /// stops working at the chosen expiry, counted from now.
    /// </summary>
    [Alias("CreateApiKey")]
    Task<CreateApiKeyResult> CreateApiKey(string actor, string? name, string? formToken = null, KeyExpiry expiry = KeyExpiry.Never);

    /// <summary>Gives a key a new name (trimmed; empty means unnamed).</summary>
    [Alias("RenameApiKey")]
    Task<RenameApiKeyOutcome> RenameApiKey(string actor, Guid keyId, string? name);

    /// <summary>Revokes a key for good; false when there is no such key or the account is not a member.</summary>
    [Alias("RevokeApiKey")]
    Task<bool> RevokeApiKey(string actor, Guid keyId);

    /// <summary>Adds an existing account as a member; only the owner may.</summary>
    [Alias("AddMember")]
    Task<MemberChangeOutcome> AddMember(string actor, string memberAccountKey);

    /// <summary>Removes a member; only the owner may, and not themselves.</summary>
    [Alias("RemoveMember")]
    Task<MemberChangeOutcome> RemoveMember(string actor, string memberAccountKey);

    /// <summary>Adds an origin a browser may send traces from with the key's publishable key.</summary>
    [Alias("AddAllowedOrigin")]
    Task<OriginChange> AddAllowedOrigin(string actor, Guid keyId, string origin);

    /// <summary>Removes one of the key's allowed origins.</summary>
    [Alias("RemoveAllowedOrigin")]
    Task<OriginChange> RemoveAllowedOrigin(string actor, Guid keyId, string origin);

    /// <summary>One key's origin settings for the Allowed origins dialog: report-only and the origins refused lately; null when not found.</summary>
    [Alias("GetKeyOrigins")]
    Task<KeyOrigins?> GetKeyOrigins(string actor, Guid keyId);

    /// <summary>Switches report-only mode, in which origins that are not allowed are accepted and recorded instead of refused.</summary>
    [Alias("SetReportOnly")]
    Task<OriginChangeOutcome> SetReportOnly(string actor, Guid keyId, bool reportOnly);

    /// <summary>Says whether a browser on the origin would be accepted with the key and by which rule; changes nothing.</summary>
    [Alias("TestOrigin")]
    Task<OriginTest> TestOrigin(string actor, Guid keyId, string origin);

    /// <summary>The key's accepted traces, refusals and last sighting as this grain counted them; null when the key or access is missing.</summary>
    [Alias("GetKeyUsage")]
    Task<Usage.KeyUsageSummary?> GetKeyUsage(string actor, Guid keyId);

    /// <summary>Switches whether browser requests with the key's publishable key must carry a valid identity token.</summary>
    [Alias("SetRequireIdentityToken")]
    Task<OriginChangeOutcome> SetRequireIdentityToken(string actor, Guid keyId, bool requireIdentityToken);

    /// <summary>
    /// Rolls a key: a new secret key takes its place (same name, origins, publishable key, signing
    /// secret and settings, the same lifetime counted from now) and is returned this once, while the
    /// old key works until the grace ends. An older predecessor still in its grace ends now. With the
    /// token of a one-time form (<see cref="OneTimeForms"/>), a form sent again rolls nothing.
    /// </summary>
    [Alias("RollApiKey")]
    Task<RollApiKeyResult> RollApiKey(string actor, Guid keyId, RollGrace grace, string? formToken = null);

    /// <summary>
    /// Gives the key a new signing secret, returned this once; tokens signed with the old one keep
    /// verifying until the chosen grace ends. Rolling again ends an older secret still in its overlap
    /// now. With the token of a one-time form (<see cref="OneTimeForms"/>), a form sent again rolls nothing.
    /// </summary>
    [Alias("RollSigningSecret")]
    Task<SigningSecretRoll> RollSigningSecret(string actor, Guid keyId, RollGrace grace, string? formToken);

    /// <summary>
    /// Gives the key a new publishable key; the old one keeps working (from the allowed origins)
    /// until the chosen grace ends. Rolling again ends an older one still in its overlap now.
    /// </summary>
    [Alias("RollPublishableKey")]
    Task<PublishableKeyRoll> RollPublishableKey(string actor, Guid keyId, RollGrace grace);

    /// <summary>Sets how many days the project keeps its traces (one of <see cref="TraceRetention.Choices"/>); only the owner may.</summary>
    [Alias("SetTraceRetention")]
    Task<TraceRetentionOutcome> SetTraceRetention(string actor, int days);
}
