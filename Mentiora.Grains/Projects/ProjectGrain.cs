using Mentiora.Grains.Accounts;
using Mentiora.Grains.Activity;
using Mentiora.Grains.KeyDirectory;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Secrets;
using Mentiora.Grains.Usage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;

namespace Mentiora.Grains.Projects;

/// <summary>One project: its members and API keys, for the dashboard and the machine API alike.</summary>
public sealed class ProjectGrain(
    [PersistentState("project", StorageNames.Grains)] IPersistentState<ProjectState> project,
    IDataProtectionProvider dataProtection,
    TimeProvider clock,
    IActivityLog activityLog,
    ILogger<ProjectGrain> logger) : Grain, IProjectDashboardGrain, IProjectApiGrain, ITraceRetentionGrain
{
    /// <summary>Most keys a project may have at once.</summary>
    public const int MaxApiKeys = 5;

    /// <summary>Data Protection purpose for signing secrets; changing it makes every stored secret unreadable.</summary>
    public const string SigningSecretPurpose = "Mentiora.ApiKeys.SigningSecret.v1";

    // Last-used times change on every request; storing each one would put a database write on the hot path.
    private static readonly TimeSpan LastUsedFlushInterval = TimeSpan.FromMinutes(1);

    // A prefix is 48 random bits; colliding even twice in a row means something is wrong with the RNG.
    private const int MaxClaimAttempts = 5;

    /// <summary>How long an ended predecessor's record (hash only) is kept, so its holder is told it was replaced.</summary>
    public static readonly TimeSpan PredecessorKeptFor = TimeSpan.FromDays(90);

    /// <summary>Most origins one key may allow.</summary>
    public const int MaxAllowedOrigins = 20;

    private readonly IDataProtector _signingSecrets = dataProtection.CreateProtector(SigningSecretPurpose);

    // Unprotected signing keys, kept only in memory: unprotecting on every browser request would cost more than the check.
    private readonly Dictionary<Guid, byte[]> _signingKeys = [];
    // The same for rolled-out signing secrets, by their protected form, which is unique to each.
    private readonly Dictionary<string, byte[]> _previousSigningKeys = new(StringComparer.Ordinal);
    private IGrainTimer? _lastUsedFlush;
    // Retries moving pending activity entries into the log while the database refuses them.
    private IGrainTimer? _activityRetry;
    private static readonly TimeSpan ActivityRetryInterval = TimeSpan.FromSeconds(30);
    // Last-used times or blocked-origin counts changed since the last write; both are stored by the same flush.
    private bool _lastUsedUnsaved;
    // After a failed write of expiry entries, the hot path does not try again before this moment.
    private DateTimeOffset _expiryLogRetryAfter = DateTimeOffset.MinValue;

    private List<StoredApiKey> Keys => project.State.ApiKeys;

    private bool Exists => project.State.Owner.Length > 0;

    public async Task<bool> Create(string actor, string name)
    {
        if (Exists || !ProjectNames.TryNormalize(name, out var normalizedName))
        {
            return false;
        }

        project.State.Name = normalizedName;
        project.State.Owner = actor;
        project.State.Members = [actor];
        await SaveOrUndo(() =>
        {
            project.State.Name = string.Empty;
            project.State.Owner = string.Empty;
            project.State.Members = [];
        });
        return true;
    }

    public async Task<ProjectSettings?> GetSettings(string actor)
    {
        if (!IsMember(actor))
        {
            return null;
        }

        // The page reads the activity log after this call: a key that expired since is in it.
        await LogExpiries();
        return new ProjectSettings(this.GetPrimaryKey(), project.State.Name, project.State.Owner, project.State.Members.ToArray(),
            // In the order they were added (which is creation order): a rolled key keeps its place, newer CreatedAt and all.
            Keys.Select(Summarize).ToArray(), TraceRetention.DaysOf(project.State.TraceRetentionDays));
    }

    public async Task<TraceRetentionOutcome> SetTraceRetention(string actor, int days)
    {
        if (!IsMember(actor))
        {
            return TraceRetentionOutcome.NotFound;
        }

        if (actor != project.State.Owner)
        {
            return TraceRetentionOutcome.NotOwner;
        }

        if (!TraceRetention.IsChoice(days))
        {
            return TraceRetentionOutcome.NotAChoice;
        }

        var previous = project.State.TraceRetentionDays;
        var previousDays = TraceRetention.DaysOf(previous);
        if (previousDays == days)
        {
            return TraceRetentionOutcome.Unchanged;
        }

        project.State.TraceRetentionDays = days;
        await SaveWithEntry(
            Note(actor, ActivityKind.TraceRetentionChanged, null, Invariant(days), Invariant(previousDays)),
            () => project.State.TraceRetentionDays = previous);
        return TraceRetentionOutcome.Changed;
    }

    // Read by the background retention for projects found in the traces: one that does not exist
    // (deleted, or traces of an unknown id) keeps nothing longer than the default, and starts no work.
    public Task<int> GetTraceRetentionDays() =>
        Task.FromResult(Exists ? TraceRetention.DaysOf(project.State.TraceRetentionDays) : TraceRetention.DefaultDays);

    private static string Invariant(int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<CreateApiKeyResult> CreateApiKey(string actor, string? name, string? formToken = null, KeyExpiry expiry = KeyExpiry.Never)
    {
        if (!IsMember(actor))
        {
            return new CreateApiKeyResult(CreateApiKeyOutcome.NotFound, null);
        }

        // Checked first: the form's first answer showed the key, whatever the limit says now.
        var oneTime = OneTimeForms.IsWellFormed(formToken) ? formToken : null;
        if (oneTime is not null && OneTimeForms.WasUsed(project.State.UsedFormTokens, oneTime))
        {
            return new CreateApiKeyResult(CreateApiKeyOutcome.AlreadyCreated, null);
        }

        if (!ApiKeyNames.TryNormalize(name, out var normalizedName))
        {
            return new CreateApiKeyResult(CreateApiKeyOutcome.NameTooLong, null);
        }

        // The grain handles one call at a time, so this check cannot race with another create.
        if (Keys.Count >= MaxApiKeys)
        {
            return new CreateApiKeyResult(CreateApiKeyOutcome.LimitReached, null);
        }

        var owner = new KeyOwner(this.GetPrimaryKey(), Guid.NewGuid());

        // Claim the directory entries before saving the key: a crash in between leaves a claim
        // that points at no key of this project, which authenticates nothing.
        var key = await ClaimUnique(owner, ApiKeyMaterial.NewSecretKey, k => KeyDirectoryKeys.ForSecretKeyPrefix(ApiKeyMaterial.PrefixOf(k)));
        var publishableKey = await ClaimUnique(owner, ApiKeyMaterial.NewPublishableKey, KeyDirectoryKeys.ForPublishableKey);
        var signingSecret = ApiKeyMaterial.NewSigningSecret();
        var now = clock.GetUtcNow();

        var stored = new StoredApiKey
        {
            Id = owner.KeyId,
            Name = normalizedName,
            Prefix = ApiKeyMaterial.PrefixOf(key),
            Hash = ApiKeyMaterial.Hash(key),
            PublishableKey = publishableKey,
            ProtectedSigningSecret = _signingSecrets.Protect(signingSecret),
            CreatedAt = now,
            ExpiresAt = ExpiryFrom(now, expiry),
        };

        Keys.Add(stored);
        // Stored with the key, in one write: the token is used exactly when the key exists.
        var usedToken = oneTime is null ? null : OneTimeForms.Remember(project.State.UsedFormTokens, oneTime, clock.GetUtcNow());
        var entry = Note(actor, ActivityKind.KeyCreated, stored);
        try
        {
            await project.WriteStateAsync();
        }
        catch
        {
            Keys.Remove(stored);
            project.State.PendingActivity.Remove(entry);
            if (usedToken is not null)
            {
                project.State.UsedFormTokens.Remove(usedToken);
            }

            DeactivateOnIdle();
            await ReleaseDirectoryEntries(stored, owner);
            throw;
        }

        await FlushActivity();
        return new CreateApiKeyResult(CreateApiKeyOutcome.Created, new CreatedApiKey(Summarize(stored), new SecretText(key), new SecretText(signingSecret)));
    }

    public async Task<RenameApiKeyOutcome> RenameApiKey(string actor, Guid keyId, string? name)
    {
        if (!IsMember(actor))
        {
            return RenameApiKeyOutcome.NotFound;
        }

        if (!ApiKeyNames.TryNormalize(name, out var normalizedName))
        {
            return RenameApiKeyOutcome.NameTooLong;
        }

        var stored = Keys.Find(k => k.Id == keyId);
        if (stored is null)
        {
            return RenameApiKeyOutcome.NotFound;
        }

        var previousName = stored.Name;
        stored.Name = normalizedName;
        await SaveWithEntry(Note(actor, ActivityKind.KeyRenamed, stored, normalizedName, previousName), () => stored.Name = previousName);
        return RenameApiKeyOutcome.Renamed;
    }

    public async Task<bool> RevokeApiKey(string actor, Guid keyId)
    {
        var stored = IsMember(actor) ? Keys.Find(k => k.Id == keyId) : null;
        if (stored is null)
        {
            return IsMember(actor) && await EndPredecessorGrace(actor, keyId);
        }

        // Remove the key here first: from this moment Authenticate rejects it on every silo,
        // whatever happens to the directory entries afterwards.
        var index = Keys.IndexOf(stored);
        Keys.RemoveAt(index);
        _signingKeys.Remove(stored.Id);
        // Stored in the same write: from this moment the key's holder is told it was revoked (or had expired) and when.
        var tombstones = project.State.Tombstones;
        var keptBefore = tombstones.ToList();
        var tombstone = KeyTombstones.Add(tombstones, stored, HasExpired(stored), clock.GetUtcNow());
        if (stored.Predecessor is { } predecessor)
        {
            KeyTombstones.AddPredecessor(tombstones, stored.Id, predecessor, revoked: true, clock.GetUtcNow());
        }

        await SaveWithEntry(Note(actor, ActivityKind.KeyRevoked, stored), () =>
        {
            Keys.Insert(index, stored);
            tombstones.Clear();
            tombstones.AddRange(keptBefore);
        });
        // The entries stay with the key while its tombstone is kept, so requests with it still reach
        // this grain; they free themselves when it ends.
        await AfterStoredChange("retire the directory entries of a revoked key", () => RetireDirectoryEntries(stored, new KeyOwner(this.GetPrimaryKey(), stored.Id), tombstone.KeptUntil));
        return true;
    }

    public async Task<MemberChangeOutcome> AddMember(string actor, string memberAccountKey)
    {
        var refusal = OwnerOnly(actor);
        if (refusal is not null)
        {
            return refusal.Value;
        }

        if (project.State.Members.Contains(memberAccountKey))
        {
            return MemberChangeOutcome.Unchanged;
        }

        var member = GrainFactory.GetGrain<IUserGrain>(memberAccountKey);
        if (!await member.Exists())
        {
            return MemberChangeOutcome.NoSuchUser;
        }

        // Membership here is what grants access; the user's own list only feeds the menu, so a
        // crash before it is updated costs a menu entry, never access.
        project.State.Members.Add(memberAccountKey);
        await SaveWithEntry(Note(actor, ActivityKind.MemberAdded, null, memberAccountKey), () => project.State.Members.Remove(memberAccountKey));
        await AfterStoredChange("add the project to a new member's menu", () => member.JoinProject(new ProjectMembership(this.GetPrimaryKey(), project.State.Name)));
        return MemberChangeOutcome.Done;
    }

    public async Task<MemberChangeOutcome> RemoveMember(string actor, string memberAccountKey)
    {
        var refusal = OwnerOnly(actor);
        if (refusal is not null)
        {
            return refusal.Value;
        }

        if (memberAccountKey == project.State.Owner)
        {
            return MemberChangeOutcome.IsOwner;
        }

        var index = project.State.Members.IndexOf(memberAccountKey);
        if (index < 0)
        {
            return MemberChangeOutcome.Unchanged;
        }

        // Access ends with this write, before the user's menu is updated.
        project.State.Members.RemoveAt(index);
        await SaveWithEntry(Note(actor, ActivityKind.MemberRemoved, null, memberAccountKey), () => project.State.Members.Insert(index, memberAccountKey));
        await AfterStoredChange("remove the project from a removed member's menu", () => GrainFactory.GetGrain<IUserGrain>(memberAccountKey).LeaveProject(this.GetPrimaryKey()));
        return MemberChangeOutcome.Done;
    }

    public async Task<OriginChange> AddAllowedOrigin(string actor, Guid keyId, string origin)
    {
        var stored = IsMember(actor) ? Keys.Find(k => k.Id == keyId) : null;
        if (stored is null)
        {
            return new OriginChange(OriginChangeOutcome.NotFound, null, null);
        }

        if (!AllowedOrigin.TryParse(origin, out var parsed, out var error))
        {
            return new OriginChange(OriginChangeOutcome.Invalid, null, error);
        }

        var normalized = parsed.ToString();
        if (stored.AllowedOrigins.Contains(normalized))
        {
            return new OriginChange(OriginChangeOutcome.Unchanged, normalized, null);
        }

        if (stored.AllowedOrigins.Count >= MaxAllowedOrigins)
        {
            return new OriginChange(OriginChangeOutcome.TooMany, normalized, null);
        }

        stored.AllowedOrigins.Add(normalized);
        await SaveWithEntry(Note(actor, ActivityKind.OriginAdded, stored, normalized), () => stored.AllowedOrigins.Remove(normalized));
        return new OriginChange(OriginChangeOutcome.Done, normalized, null);
    }

    public async Task<OriginChange> RemoveAllowedOrigin(string actor, Guid keyId, string origin)
    {
        var stored = IsMember(actor) ? Keys.Find(k => k.Id == keyId) : null;
        if (stored is null)
        {
            return new OriginChange(OriginChangeOutcome.NotFound, null, null);
        }

        var index = stored.AllowedOrigins.IndexOf(origin);
        if (index < 0)
        {
            return new OriginChange(OriginChangeOutcome.Unchanged, origin, null);
        }

        stored.AllowedOrigins.RemoveAt(index);
        await SaveWithEntry(Note(actor, ActivityKind.OriginRemoved, stored, origin), () => stored.AllowedOrigins.Insert(index, origin));
        return new OriginChange(OriginChangeOutcome.Done, origin, null);
    }

    public Task<KeyOrigins?> GetKeyOrigins(string actor, Guid keyId)
    {
        var stored = IsMember(actor) ? Keys.Find(k => k.Id == keyId) : null;
        if (stored is null)
        {
            return Task.FromResult<KeyOrigins?>(null);
        }

        // An origin allowed since it was refused is no longer a problem to show.
        var blocked = BlockedOriginLog.Recent(stored.BlockedOrigins, clock.GetUtcNow())
            .Where(b => !IsAccepted(stored.AllowedOrigins, b.Origin))
            .ToArray();
        var now = clock.GetUtcNow();
        var previousSecret = stored.PreviousSigningSecrets.LastOrDefault(p => now < p.StopsWorkingAt);
        var previousKey = stored.PreviousPublishableKeys.LastOrDefault(p => now < p.StopsWorkingAt);
        return Task.FromResult<KeyOrigins?>(new KeyOrigins(Summarize(stored), stored.ReportOnly, blocked, stored.RequireIdentityToken,
            previousSecret?.StopsWorkingAt, previousKey?.PublishableKey, previousKey?.StopsWorkingAt));
    }

    public async Task<OriginChangeOutcome> SetReportOnly(string actor, Guid keyId, bool reportOnly)
    {
        var stored = IsMember(actor) ? Keys.Find(k => k.Id == keyId) : null;
        if (stored is null)
        {
            return OriginChangeOutcome.NotFound;
        }

        if (stored.ReportOnly == reportOnly)
        {
            return OriginChangeOutcome.Unchanged;
        }

        stored.ReportOnly = reportOnly;
        await SaveWithEntry(Note(actor, ActivityKind.ReportOnlySwitched, stored, OnOff(reportOnly)), () => stored.ReportOnly = !reportOnly);
        return OriginChangeOutcome.Done;
    }

    public async Task<OriginChangeOutcome> SetRequireIdentityToken(string actor, Guid keyId, bool requireIdentityToken)
    {
        var stored = IsMember(actor) ? Keys.Find(k => k.Id == keyId) : null;
        if (stored is null)
        {
            return OriginChangeOutcome.NotFound;
        }

        if (stored.RequireIdentityToken == requireIdentityToken)
        {
            return OriginChangeOutcome.Unchanged;
        }

        stored.RequireIdentityToken = requireIdentityToken;
        await SaveWithEntry(Note(actor, ActivityKind.RequireIdentityTokenSwitched, stored, OnOff(requireIdentityToken)), () => stored.RequireIdentityToken = !requireIdentityToken);
        return OriginChangeOutcome.Done;
    }

    public Task<OriginTest> TestOrigin(string actor, Guid keyId, string origin)
    {
        var stored = IsMember(actor) ? Keys.Find(k => k.Id == keyId) : null;
        if (stored is null)
        {
            return Answer(OriginTestOutcome.NotFound, null, null, null);
        }

        // Read the way an origin is saved (so a pasted trailing slash or upper case is forgiven), then
        // compared as the browser's normalised Origin header would be on the hot path.
        if (!AllowedOrigin.TryParse(origin, out var parsed, out var error))
        {
            return Answer(OriginTestOutcome.Invalid, null, null, error);
        }

        var normalized = parsed.ToString();
        if (parsed.IsWildcard)
        {
            return Answer(OriginTestOutcome.Pattern, normalized, null, null);
        }

        if (stored.AllowedOrigins.Contains(normalized))
        {
            return Answer(OriginTestOutcome.MatchesExactly, normalized, normalized, null);
        }

        var wildcard = stored.AllowedOrigins.Find(allowed => AllowedOrigin.Accepts(allowed, normalized));
        return wildcard is not null ? Answer(OriginTestOutcome.MatchesWildcard, normalized, wildcard, null)
            : stored.ReportOnly ? Answer(OriginTestOutcome.AcceptedByReportOnly, normalized, null, null)
            : Answer(OriginTestOutcome.NotAllowed, normalized, null, null);

        static Task<OriginTest> Answer(OriginTestOutcome outcome, string? normalized, string? rule, OriginError? error) =>
            Task.FromResult(new OriginTest(outcome, normalized, rule, error));
    }

    public async Task<BrowserAuthentication> AuthenticateBrowser(string publishableKey, string? origin, SecretText? identityToken)
    {
        var stored = Keys.Find(k => k.PublishableKey == publishableKey);
        if (stored is null)
        {
            // Looked for only when no current key matched, so the pages already updated pay nothing.
            var (rolledFrom, previous) = FindPreviousPublishableKey(publishableKey);
            if (rolledFrom is null || previous is null)
            {
                // Only a publishable key that was one of this project's (its hash matches) learns when it was revoked.
                return KeyTombstones.FindPublishableKey(project.State.Tombstones, publishableKey, clock.GetUtcNow()) switch
                {
                    { Reason: KeyTombstoneReason.Expired } expired => new BrowserAuthentication(BrowserAuthenticationOutcome.KeyExpired, null, null, null, expired.At),
                    { } revoked => new BrowserAuthentication(BrowserAuthenticationOutcome.KeyRevoked, null, null, null, null, revoked.At),
                    null => Refuse(BrowserAuthenticationOutcome.UnknownKey, null),
                };
            }

            if (clock.GetUtcNow() >= previous.StopsWorkingAt)
            {
                return new BrowserAuthentication(BrowserAuthenticationOutcome.PublishableKeyReplaced, null, null, null, PublishableKeyReplacedAt: previous.RolledAt);
            }

            stored = rolledFrom;
        }

        // Before the origin: an expired key is the answer whatever page sent it.
        if (HasExpired(stored))
        {
            await LogExpiries();
            return new BrowserAuthentication(BrowserAuthenticationOutcome.KeyExpired, null, null, null, stored.ExpiresAt);
        }

        if (!IsAccepted(stored.AllowedOrigins, origin))
        {
            // Report-only lets a team switch browser mode on and see which origins it would refuse before it does.
            NoteBlockedOrigin(stored, origin);
            if (!stored.ReportOnly)
            {
                return Refuse(BrowserAuthenticationOutcome.OriginNotAllowed, null);
            }
        }

        EndUser? user = null;
        if (identityToken is not null)
        {
            var verification = IdentityTokens.Verify(identityToken.Reveal(), SigningKey(stored), clock.GetUtcNow());
            if (verification.Error?.Problem == IdentityTokenProblem.SignatureMismatch && stored.PreviousSigningSecrets.Count > 0)
            {
                verification = VerifyWithPreviousSecrets(stored, identityToken.Reveal()) ?? verification;
            }

            switch (verification.Check)
            {
                case IdentityTokenCheck.Expired:
                    return Refuse(BrowserAuthenticationOutcome.IdentityTokenExpired, verification.Error);
                case IdentityTokenCheck.Invalid:
                    return Refuse(BrowserAuthenticationOutcome.IdentityTokenInvalid, verification.Error);
            }

            user = verification.User;
        }
        else if (stored.RequireIdentityToken)
        {
            // Without the switch a page may send anonymous traces; with it, only end users the customer's server vouched for.
            return Refuse(BrowserAuthenticationOutcome.IdentityTokenInvalid, new IdentityTokenError(IdentityTokenProblem.Required));
        }

        var key = MarkUsed(stored);
        return new BrowserAuthentication(BrowserAuthenticationOutcome.Authenticated, key, user, null);

        static BrowserAuthentication Refuse(BrowserAuthenticationOutcome outcome, IdentityTokenError? tokenError) =>
            new(outcome, null, null, tokenError);
    }

    public Task<MintedIdentityToken?> MintIdentityToken(Guid keyId, EndUser user, TimeSpan lifetime)
    {
        var stored = Keys.Find(k => k.Id == keyId);
        if (stored is null)
        {
            return Task.FromResult<MintedIdentityToken?>(null);
        }

        var now = clock.GetUtcNow();
        var token = IdentityTokens.Mint(user, SigningKey(stored), now, lifetime);
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        return Task.FromResult<MintedIdentityToken?>(new MintedIdentityToken(new SecretText(token), issuedAt + TimeSpan.FromSeconds(Math.Ceiling(lifetime.TotalSeconds))));
    }

    public Task<ApiKeyDescription?> Describe(Guid keyId)
    {
        var stored = Keys.Find(k => k.Id == keyId);
        return Task.FromResult(stored is null
            ? null
            : new ApiKeyDescription(this.GetPrimaryKey(), project.State.Name, stored.Name, stored.Prefix, stored.CreatedAt, stored.LastUsedAt, stored.ExpiresAt));
    }

    public async Task<SecretKeyAuthentication> Authenticate(string prefix, byte[] keyHash)
    {
        var stored = Keys.Find(k => k.Prefix == prefix);
        if (stored is null && Keys.Find(k => k.Predecessor?.Prefix == prefix) is { Predecessor: { } predecessor } rolled
            && ApiKeyMaterial.HashesMatch(predecessor.Hash, keyHash))
        {
            return AuthenticatePredecessor(rolled, predecessor);
        }

        if (stored is null || !ApiKeyMaterial.HashesMatch(stored.Hash, keyHash))
        {
            // Only the holder of the whole key learns that it was revoked: the hash matched a tombstone.
            return (stored is null ? KeyTombstones.FindSecretKey(project.State.Tombstones, prefix, keyHash, clock.GetUtcNow()) : null) switch
            {
                { Reason: KeyTombstoneReason.Expired } expired => new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Expired, null, expired.At),
                { Reason: KeyTombstoneReason.Replaced } replaced => new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Replaced, null, null, ReplacedAt: replaced.At),
                { } revoked => new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Revoked, null, null, revoked.At),
                null => new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.UnknownKey, null, null),
            };
        }

        // Only the holder of the whole key learns that it expired: the hash matched.
        if (HasExpired(stored))
        {
            await LogExpiries();
            return new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Expired, null, stored.ExpiresAt);
        }

        return new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Authenticated, MarkUsed(stored), null);
    }

    public Task RecordUsage(UsageReport report)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var changed = false;
        foreach (var accepted in report.Accepted)
        {
            // A key revoked since the silo counted its traces has no usage left to show.
            if (Keys.Find(k => k.Id == accepted.KeyId) is { } stored)
            {
                stored.Usage.AddAccepted(accepted.Day, accepted.Count, today);
                stored.Usage.See(accepted.LastAt, accepted.LastFacts);
                changed = true;
            }
        }

        foreach (var notice in report.Refusals)
        {
            // Only the key the request named gets the refusal: someone else's key, or a guess, is nobody's business here.
            if (Keys.Find(k => k.Prefix == notice.KeyReference || k.PublishableKey == notice.KeyReference) is { } stored)
            {
                stored.Usage.AddRefusal(notice.Refusal, now);
                changed = true;
            }
        }

        if (changed)
        {
            FlushLater();
        }

        return Task.CompletedTask;
    }

    public Task<KeyUsageSummary?> GetKeyUsage(string actor, Guid keyId)
    {
        var stored = IsMember(actor) ? Keys.Find(k => k.Id == keyId) : null;
        if (stored is null)
        {
            return Task.FromResult<KeyUsageSummary?>(null);
        }

        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var usage = stored.Usage;
        var days = new DailyTraceCount[KeyUsage.DaysKept];
        for (var i = 0; i < days.Length; i++)
        {
            var day = today.AddDays(i - (days.Length - 1));
            days[i] = new DailyTraceCount(day, usage.Days.Find(d => d.Day == day)?.Count ?? 0);
        }

        var firstHour = KeyUsage.FirstCountedHour(now);
        var refusals = usage.Refusals
            .Where(r => r.Hour >= firstHour)
            .GroupBy(r => r.Reason)
            .OrderBy(g => g.Key)
            .Select(g => new RefusalTally(g.Key, g.Sum(r => r.Count), g.Where(r => r.Origin is not null).Select(r => r.Origin!).Distinct().ToArray()))
            .ToArray();
        var monthTotal = usage.Month == new DateOnly(today.Year, today.Month, 1) ? usage.MonthTotal : 0;
        return Task.FromResult<KeyUsageSummary?>(new KeyUsageSummary(
            stored.Id, stored.Name, stored.Prefix, days, monthTotal, refusals,
            usage.RecentRefusals.AsEnumerable().Reverse().ToArray(), usage.LastSeenAt, usage.LastSeen));
    }

    public async Task<SigningSecretRoll> RollSigningSecret(string actor, Guid keyId, RollGrace grace, string? formToken)
    {
        var stored = IsMember(actor) ? Keys.Find(k => k.Id == keyId) : null;
        if (stored is null || !Enum.IsDefined(grace))
        {
            return new SigningSecretRoll(SecretRollOutcome.NotFound, null, null);
        }

        // Checked first: the form's first answer showed the secret, and a second roll would lock out the first one's servers.
        var oneTime = OneTimeForms.IsWellFormed(formToken) ? formToken : null;
        if (oneTime is not null && OneTimeForms.WasUsed(project.State.UsedFormTokens, oneTime))
        {
            return new SigningSecretRoll(SecretRollOutcome.AlreadyRolled, null, null);
        }

        var now = clock.GetUtcNow();
        var previousSecrets = stored.PreviousSigningSecrets.ToList();
        var previousProtected = stored.ProtectedSigningSecret;
        var endedEarly = previousSecrets.Where(p => p.StopsWorkingAt > now).Select(p => (p, p.StopsWorkingAt)).ToList();
        var signingSecret = ApiKeyMaterial.NewSigningSecret();
        var replaced = new PreviousSigningSecret
        {
            ProtectedSigningSecret = previousProtected,
            RolledAt = now,
            StopsWorkingAt = RolledCredentials.StopsWorkingAt(now, grace),
        };
        stored.PreviousSigningSecrets = Retire(previousSecrets, p => p.StopsWorkingAt, (p, at) => p.StopsWorkingAt = at, now);
        stored.PreviousSigningSecrets.Add(replaced);
        stored.ProtectedSigningSecret = _signingSecrets.Protect(signingSecret);
        _signingKeys.Remove(stored.Id);
        var usedToken = oneTime is null ? null : OneTimeForms.Remember(project.State.UsedFormTokens, oneTime, now);
        await SaveWithEntry(Note(actor, ActivityKind.SigningSecretRolled, stored, grace.ToString()), () =>
        {
            foreach (var (p, at) in endedEarly)
            {
                p.StopsWorkingAt = at;
            }

            stored.PreviousSigningSecrets = previousSecrets;
            stored.ProtectedSigningSecret = previousProtected;
            _signingKeys.Remove(stored.Id);
            if (usedToken is not null)
            {
                project.State.UsedFormTokens.Remove(usedToken);
            }
        });
        return new SigningSecretRoll(SecretRollOutcome.Rolled, new SecretText(signingSecret), replaced.StopsWorkingAt);
    }

    public async Task<PublishableKeyRoll> RollPublishableKey(string actor, Guid keyId, RollGrace grace)
    {
        var stored = IsMember(actor) ? Keys.Find(k => k.Id == keyId) : null;
        if (stored is null || !Enum.IsDefined(grace))
        {
            return new PublishableKeyRoll(SecretRollOutcome.NotFound, null, null);
        }

        var owner = new KeyOwner(this.GetPrimaryKey(), stored.Id);

        // Claimed before saving, like a created key's: a crash in between leaves a claim that points at no publishable key of this key.
        var publishableKey = await ClaimUnique(owner, ApiKeyMaterial.NewPublishableKey, KeyDirectoryKeys.ForPublishableKey);
        var now = clock.GetUtcNow();
        var previousKeys = stored.PreviousPublishableKeys.ToList();
        var previousPublishableKey = stored.PublishableKey;
        var endedEarly = previousKeys.Where(p => p.StopsWorkingAt > now).Select(p => (p, p.StopsWorkingAt)).ToList();
        var replaced = new PreviousPublishableKey
        {
            PublishableKey = previousPublishableKey,
            RolledAt = now,
            StopsWorkingAt = RolledCredentials.StopsWorkingAt(now, grace),
        };
        var kept = Retire(previousKeys, p => p.StopsWorkingAt, (p, at) => p.StopsWorkingAt = at, now);
        var dropped = previousKeys.Except(kept).ToList();
        stored.PreviousPublishableKeys = kept;
        stored.PreviousPublishableKeys.Add(replaced);
        stored.PublishableKey = publishableKey;
        try
        {
            await SaveWithEntry(Note(actor, ActivityKind.PublishableKeyRolled, stored, grace.ToString()), () =>
            {
                foreach (var (p, at) in endedEarly)
                {
                    p.StopsWorkingAt = at;
                }

                stored.PreviousPublishableKeys = previousKeys;
                stored.PublishableKey = previousPublishableKey;
            });
        }
        catch
        {
            await GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(publishableKey)).Release(owner);
            throw;
        }

        // Forgotten only once storage no longer has them, so no stored record points at a released entry.
        foreach (var gone in dropped)
        {
            await AfterStoredChange("release the directory entry of a rolled-out publishable key",
                () => GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(gone.PublishableKey)).Release(owner));
        }

        return new PublishableKeyRoll(SecretRollOutcome.Rolled, publishableKey, replaced.StopsWorkingAt);
    }

    public async Task<RollApiKeyResult> RollApiKey(string actor, Guid keyId, RollGrace grace, string? formToken = null)
    {
        if (!IsMember(actor))
        {
            return new RollApiKeyResult(RollApiKeyOutcome.NotFound, null, null, false);
        }

        // Checked first, like a create's: the form's first answer showed the new key.
        var oneTime = OneTimeForms.IsWellFormed(formToken) ? formToken : null;
        if (oneTime is not null && OneTimeForms.WasUsed(project.State.UsedFormTokens, oneTime))
        {
            return new RollApiKeyResult(RollApiKeyOutcome.AlreadyRolled, null, null, false);
        }

        var stored = Keys.Find(k => k.Id == keyId);
        if (stored is null)
        {
            return new RollApiKeyResult(RollApiKeyOutcome.NotFound, null, null, false);
        }

        if (HasExpired(stored))
        {
            return new RollApiKeyResult(RollApiKeyOutcome.KeyExpired, null, null, false);
        }

        var graceTime = GraceOf(grace);

        // The key keeps its id through a roll, so its publishable key's entry, its usage and its
        // activity stay its own; only the secret part is new, under a prefix entry of its own.
        var owner = new KeyOwner(this.GetPrimaryKey(), stored.Id);
        var key = await ClaimUnique(owner, ApiKeyMaterial.NewSecretKey, k => KeyDirectoryKeys.ForSecretKeyPrefix(ApiKeyMaterial.PrefixOf(k)));
        var now = clock.GetUtcNow();

        // At most one predecessor: one still in its grace ends now (the dialog said so), and its record goes.
        var earlier = stored.Predecessor;
        var endedEarlier = earlier is not null && now < earlier.StopsWorkingAt;
        // Its holder is still told it was replaced, and when, from the tombstone the record leaves.
        var earlierTombstone = earlier is null ? null : KeyTombstones.AddPredecessor(project.State.Tombstones, stored.Id, earlier, revoked: false, now);
        var (prefix, hash, createdAt, lastUsedAt, expiresAt) = (stored.Prefix, stored.Hash, stored.CreatedAt, stored.LastUsedAt, stored.ExpiresAt);
        var entry = Note(actor, ActivityKind.KeyRolled, stored, grace.ToString());

        // The old key never outlives its own expiry, whatever grace was chosen.
        var stopsAt = now + graceTime;
        if (expiresAt is { } oldExpiry && oldExpiry < stopsAt)
        {
            stopsAt = oldExpiry;
        }

        stored.Predecessor = new KeyPredecessor
        {
            Id = Guid.NewGuid(),
            Prefix = prefix,
            Hash = hash,
            CreatedAt = createdAt,
            LastUsedAt = lastUsedAt,
            RolledAt = now,
            StopsWorkingAt = stopsAt,
        };
        stored.Prefix = ApiKeyMaterial.PrefixOf(key);
        stored.Hash = ApiKeyMaterial.Hash(key);
        stored.CreatedAt = now;
        stored.LastUsedAt = null;
        stored.ExpiresAt = expiresAt is { } e ? now + (e - createdAt) : null;
        var usedToken = oneTime is null ? null : OneTimeForms.Remember(project.State.UsedFormTokens, oneTime, now);
        try
        {
            await project.WriteStateAsync();
        }
        catch
        {
            (stored.Prefix, stored.Hash, stored.CreatedAt, stored.LastUsedAt, stored.ExpiresAt, stored.Predecessor) = (prefix, hash, createdAt, lastUsedAt, expiresAt, earlier);
            if (earlierTombstone is not null)
            {
                project.State.Tombstones.Remove(earlierTombstone);
            }

            project.State.PendingActivity.Remove(entry);
            if (usedToken is not null)
            {
                project.State.UsedFormTokens.Remove(usedToken);
            }

            DeactivateOnIdle();
            await GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(ApiKeyMaterial.PrefixOf(key))).Release(owner);
            throw;
        }

        await FlushActivity();
        if (earlier is not null)
        {
            await AfterStoredChange("retire the directory entry of a rolled key's older predecessor",
                () => GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(earlier.Prefix)).Retire(owner, earlierTombstone!.KeptUntil));
        }

        return new RollApiKeyResult(RollApiKeyOutcome.Rolled, Summarize(stored), new SecretText(key), endedEarlier);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Ended tombstones are dropped from memory here; the next write stores the shorter list.
        KeyTombstones.Prune(project.State.Tombstones, clock.GetUtcNow());

        // A crash between storing a change and logging its entry left the entry here: log it soon.
        if (project.State.PendingActivity.Count > 0)
        {
            RetryActivityLater(TimeSpan.FromSeconds(1));
        }

        await LogExpiries();
        await ForgetOldPredecessors(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_lastUsedUnsaved)
        {
            await project.WriteStateAsync(cancellationToken);
        }
    }

    // A change is kept in memory only once storage has it: when the write fails (the database is
    // briefly away), the grain goes back to what is stored, so the page's "nothing was changed" is
    // true, and a later write (or the deactivation's) cannot store the change nobody saw succeed.
    // A write can also fail after the database committed it (the answer was lost): the grain then
    // deactivates, so the next call reads what storage really holds instead of trusting memory.
    private async Task SaveOrUndo(Action undo)
    {
        try
        {
            await project.WriteStateAsync();
        }
        catch
        {
            undo();
            DeactivateOnIdle();
            throw;
        }
    }

    // The entry is stored in the same write as its change (the outbox), so a change never happens without it.
    private async Task SaveWithEntry(ActivityEntry entry, Action undo)
    {
        await SaveOrUndo(() =>
        {
            undo();
            project.State.PendingActivity.Remove(entry);
        });
        await FlushActivity();
    }

    private ActivityEntry Note(string actor, ActivityKind kind, StoredApiKey? key, string? details = null, string? previousValue = null, string? keyPrefix = null)
    {
        var entry = new ActivityEntry
        {
            Id = Guid.NewGuid(),
            ProjectId = this.GetPrimaryKey(),
            At = clock.GetUtcNow(),
            Actor = actor,
            Kind = kind,
            KeyId = key?.Id,
            KeyName = key?.Name,
            KeyPrefix = keyPrefix ?? key?.Prefix,
            Details = details,
            PreviousValue = previousValue,
            ClientAddress = ActivityContext.ClientAddress,
        };
        project.State.PendingActivity.Add(entry);
        return entry;
    }

    private static string OnOff(bool on) => on ? "on" : "off";

    // Moves stored entries into the activity log; the change is done already, so a failure here is
    // retried later (the entry stays stored), never reported as the change failing.
    private async Task FlushActivity()
    {
        var pending = project.State.PendingActivity;
        if (pending.Count == 0)
        {
            return;
        }

        var batch = pending.ToArray();
        try
        {
            await activityLog.Append(batch);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Project {ProjectId}: {Count} activity entries could not be logged yet; retrying", this.GetPrimaryKey(), batch.Length);
            RetryActivityLater(ActivityRetryInterval);
            return;
        }

        pending.RemoveAll(batch.Contains);
        try
        {
            await project.WriteStateAsync();
        }
        catch (Exception e)
        {
            // The entries are logged; if storage still has them they are logged again by id, which adds nothing.
            logger.LogWarning(e, "Project {ProjectId}: logged activity entries could not be cleared from storage", this.GetPrimaryKey());
            DeactivateOnIdle();
        }
    }

    private void RetryActivityLater(TimeSpan dueTime) =>
        _activityRetry ??= this.RegisterGrainTimer(
            async _ =>
            {
                await FlushActivity();
                if (project.State.PendingActivity.Count == 0)
                {
                    _activityRetry?.Dispose();
                    _activityRetry = null;
                }
            },
            new GrainTimerCreationOptions(dueTime, ActivityRetryInterval) { KeepAlive = true });

    // Once the change is stored it is done, and the answer must say so: a follow-up that fails here
    // (another grain's bookkeeping) is logged, never turned into "nothing was changed".
    private async Task AfterStoredChange(string followUp, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Project {ProjectId}: a change was stored, but the call to {FollowUp} failed", this.GetPrimaryKey(), followUp);
        }
    }

    private async Task FlushLastUsed(CancellationToken cancellationToken)
    {
        if (!_lastUsedUnsaved)
        {
            // Nothing used the keys for a whole interval: stop ticking until the next use.
            _lastUsedFlush?.Dispose();
            _lastUsedFlush = null;
            return;
        }

        _lastUsedUnsaved = false;
        try
        {
            await project.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _lastUsedUnsaved = true;
            throw;
        }
    }

    private async Task<string> ClaimUnique(KeyOwner owner, Func<string> generate, Func<string, string> entryKey)
    {
        for (var attempt = 0; attempt < MaxClaimAttempts; attempt++)
        {
            var candidate = generate();
            if (await GrainFactory.GetGrain<IKeyDirectoryGrain>(entryKey(candidate)).Claim(owner))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"Could not find a free key directory entry after {MaxClaimAttempts} attempts.");
    }

    private async Task RetireDirectoryEntries(StoredApiKey stored, KeyOwner owner, DateTimeOffset until)
    {
        await GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(stored.Prefix)).Retire(owner, until);
        await GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(stored.PublishableKey)).Retire(owner, until);
        if (stored.Predecessor is { } predecessor)
        {
            // Claimed by the same owner when the old key was created: the key keeps its id through a roll.
            await GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(predecessor.Prefix)).Retire(owner, until);
        }

        foreach (var previous in stored.PreviousPublishableKeys)
        {
            await GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(previous.PublishableKey)).Retire(owner, until);
        }
    }

    // Each key that expired gets one entry, written the first time the grain notices (a request with
    // it, a settings read, an activation): nobody acted, so the entry names no account and no address.
    // A failed write is only logged: the refusal or the page does not depend on it, and the next
    // notice after a pause tries again.
    private async Task LogExpiries()
    {
        var now = clock.GetUtcNow();
        if (!Exists || now < _expiryLogRetryAfter)
        {
            return;
        }

        var expired = Keys.Where(k => !k.ExpiryLogged && HasExpired(k)).ToList();
        if (expired.Count == 0)
        {
            return;
        }

        var entries = new List<ActivityEntry>();
        foreach (var key in expired)
        {
            key.ExpiryLogged = true;
            var entry = new ActivityEntry
            {
                Id = Guid.NewGuid(),
                ProjectId = this.GetPrimaryKey(),
                At = key.ExpiresAt!.Value,
                Actor = string.Empty,
                Kind = ActivityKind.KeyExpired,
                KeyId = key.Id,
                KeyName = key.Name,
                KeyPrefix = key.Prefix,
            };
            project.State.PendingActivity.Add(entry);
            entries.Add(entry);
        }

        try
        {
            await SaveWithEntries(entries, () => expired.ForEach(k => k.ExpiryLogged = false));
        }
        catch (Exception e)
        {
            _expiryLogRetryAfter = now + ActivityRetryInterval;
            logger.LogWarning(e, "Project {ProjectId}: the expiry of {Count} keys could not be logged yet", this.GetPrimaryKey(), expired.Count);
        }
    }

    private async Task SaveWithEntries(List<ActivityEntry> entries, Action undo)
    {
        await SaveOrUndo(() =>
        {
            undo();
            project.State.PendingActivity.RemoveAll(entries.Contains);
        });
        await FlushActivity();
    }

    private async Task ReleaseDirectoryEntries(StoredApiKey stored, KeyOwner owner)
    {
        await GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(stored.Prefix)).Release(owner);
        await GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(stored.PublishableKey)).Release(owner);
        if (stored.Predecessor is { } predecessor)
        {
            // Claimed by the same owner when the old key was created: the key keeps its id through a roll.
            await GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(predecessor.Prefix)).Release(owner);
        }

        foreach (var previous in stored.PreviousPublishableKeys)
        {
            await GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(previous.PublishableKey)).Release(owner);
        }
    }

    private AuthenticatedApiKey MarkUsed(StoredApiKey stored)
    {
        stored.LastUsedAt = clock.GetUtcNow();
        FlushLater();
        return new AuthenticatedApiKey(this.GetPrimaryKey(), stored.Id, stored.Prefix);
    }

    // Counted in memory like last-used times, and stored with them, so a refused request costs no database write.
    private void NoteBlockedOrigin(StoredApiKey stored, string? origin)
    {
        // Browsers send short origins; anything longer (or none) came from a script and is not worth a slot.
        if (string.IsNullOrEmpty(origin) || origin.Length > AllowedOrigin.MaxLength)
        {
            return;
        }

        BlockedOriginLog.Record(stored.BlockedOrigins, origin, clock.GetUtcNow(), letThrough: stored.ReportOnly);
        FlushLater();
    }

    // Last-used times, usage counts and blocked origins share one flush: at most one write a minute, whatever the traffic.
    private void FlushLater()
    {
        _lastUsedUnsaved = true;
        _lastUsedFlush ??= this.RegisterGrainTimer(
            FlushLastUsed,
            new GrainTimerCreationOptions(LastUsedFlushInterval, LastUsedFlushInterval) { KeepAlive = false });
    }

    // Origins are saved only in their normalised form (AddOrigin), so a browser request compares strings.
    private static bool IsAccepted(List<string> acceptedOrigins, string? origin)
    {
        foreach (var allowed in acceptedOrigins)
        {
            if (AllowedOrigin.Accepts(allowed, origin))
            {
                return true;
            }
        }

        return false;
    }

    private byte[] SigningKey(StoredApiKey stored)
    {
        if (!_signingKeys.TryGetValue(stored.Id, out var key))
        {
            key = IdentityTokens.SigningKey(_signingSecrets.Unprotect(stored.ProtectedSigningSecret));
            _signingKeys[stored.Id] = key;
        }

        return key;
    }

    // Decided from the clock at request time rather than by a timer: every silo's grain answers
    // from the same stored moment, so the key stops working everywhere at once.
    private bool HasExpired(StoredApiKey stored) => stored.ExpiresAt is { } expiresAt && clock.GetUtcNow() >= expiresAt;

    private static DateTimeOffset? ExpiryFrom(DateTimeOffset now, KeyExpiry expiry) => expiry switch
    {
        KeyExpiry.Never => null,
        KeyExpiry.In30Days => now.AddDays(30),
        KeyExpiry.In90Days => now.AddDays(90),
        KeyExpiry.In1Year => now.AddYears(1),
        _ => throw new ArgumentOutOfRangeException(nameof(expiry), expiry, null),
    };

    // A predecessor ended long enough ago to have been noticed is forgotten, and its prefix entry freed.
    // Done lazily, at activation (a project grain is activated at least after every idle spell), rather
    // than by a timer: until then it only answers "replaced", which is still true.
    private async Task ForgetOldPredecessors(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var old = Keys.Where(k => k.Predecessor is { } p && now - p.StopsWorkingAt >= PredecessorKeptFor)
            .Select(k => (Key: k, Predecessor: k.Predecessor!))
            .ToList();
        if (old.Count == 0)
        {
            return;
        }

        old.ForEach(o => o.Key.Predecessor = null);
        try
        {
            await project.WriteStateAsync(cancellationToken);
        }
        catch (Exception e)
        {
            // Kept for now; the next activation tries again.
            old.ForEach(o => o.Key.Predecessor = o.Predecessor);
            logger.LogWarning(e, "Project {ProjectId}: old predecessors of rolled keys could not be forgotten yet", this.GetPrimaryKey());
            return;
        }

        foreach (var (key, predecessor) in old)
        {
            await AfterStoredChange("release the directory entry of a forgotten predecessor",
                () => GrainFactory.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(predecessor.Prefix)).Release(new KeyOwner(this.GetPrimaryKey(), key.Id)));
        }
    }

    // Revoking the old key's row alone ends its grace now; its record stays, so its holder is told it was replaced.
    private async Task<bool> EndPredecessorGrace(string actor, Guid predecessorId)
    {
        var rolled = Keys.Find(k => k.Predecessor?.Id == predecessorId);
        var now = clock.GetUtcNow();
        if (rolled?.Predecessor is not { } predecessor || now >= predecessor.StopsWorkingAt)
        {
            return false;
        }

        var previous = predecessor.StopsWorkingAt;
        predecessor.StopsWorkingAt = now;
        await SaveWithEntry(Note(actor, ActivityKind.KeyRevoked, rolled, keyPrefix: predecessor.Prefix), () => predecessor.StopsWorkingAt = previous);
        return true;
    }

    // Decided from the clock at request time, like expiry, so the old key stops on every silo at the same moment.
    // Its use counts under the key that replaced it: it is the same client, still to be moved over.
    private SecretKeyAuthentication AuthenticatePredecessor(StoredApiKey rolled, KeyPredecessor predecessor)
    {
        var now = clock.GetUtcNow();
        if (now >= predecessor.StopsWorkingAt)
        {
            return new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Replaced, null, null, ReplacedAt: predecessor.RolledAt);
        }

        predecessor.LastUsedAt = now;
        FlushLater();
        return new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Authenticated, new AuthenticatedApiKey(this.GetPrimaryKey(), rolled.Id, predecessor.Prefix), null);
    }

    private static TimeSpan GraceOf(RollGrace grace) => grace switch
    {
        RollGrace.Now => TimeSpan.Zero,
        RollGrace.In1Hour => TimeSpan.FromHours(1),
        RollGrace.In24Hours => TimeSpan.FromHours(24),
        RollGrace.In7Days => TimeSpan.FromDays(7),
        _ => throw new ArgumentOutOfRangeException(nameof(grace), grace, null),
    };

    // A roll ends the older credential still in its overlap now (a key has at most one working
    // predecessor), and forgets those past their remembered time or beyond the most kept.
    private static List<T> Retire<T>(List<T> previous, Func<T, DateTimeOffset> stopsAt, Action<T, DateTimeOffset> end, DateTimeOffset now)
    {
        foreach (var p in previous.Where(p => stopsAt(p) > now))
        {
            end(p, now);
        }

        var kept = previous.Where(p => RolledCredentials.IsRemembered(stopsAt(p), now)).ToList();
        return kept.Count < RolledCredentials.MaxKept ? kept : kept.Skip(kept.Count - RolledCredentials.MaxKept + 1).ToList();
    }

    private (StoredApiKey? Key, PreviousPublishableKey? Previous) FindPreviousPublishableKey(string publishableKey)
    {
        var now = clock.GetUtcNow();
        foreach (var key in Keys)
        {
            foreach (var previous in key.PreviousPublishableKeys)
            {
                // Past its remembered time it is nobody's key any more, even before a roll forgets it.
                if (previous.PublishableKey == publishableKey && RolledCredentials.IsRemembered(previous.StopsWorkingAt, now))
                {
                    return (key, previous);
                }
            }
        }

        return (null, null);
    }

    // Tried only when the current secret did not sign the token: in its overlap a replaced secret
    // verifies as the current one does; after it, the token learns when its secret was replaced.
    private IdentityTokenVerification? VerifyWithPreviousSecrets(StoredApiKey stored, string token)
    {
        var now = clock.GetUtcNow();
        for (var i = stored.PreviousSigningSecrets.Count - 1; i >= 0; i--)
        {
            var previous = stored.PreviousSigningSecrets[i];
            if (!RolledCredentials.IsRemembered(previous.StopsWorkingAt, now))
            {
                continue;
            }

            var verification = IdentityTokens.Verify(token, PreviousSigningKey(previous), now);
            if (verification.Error?.Problem == IdentityTokenProblem.SignatureMismatch)
            {
                continue;
            }

            return now < previous.StopsWorkingAt
                ? verification
                : IdentityTokenVerification.Invalid(new IdentityTokenError(IdentityTokenProblem.SigningSecretReplaced, ReplacedAt: previous.RolledAt));
        }

        return null;
    }

    private byte[] PreviousSigningKey(PreviousSigningSecret previous)
    {
        if (!_previousSigningKeys.TryGetValue(previous.ProtectedSigningSecret, out var key))
        {
            key = IdentityTokens.SigningKey(_signingSecrets.Unprotect(previous.ProtectedSigningSecret));
            _previousSigningKeys[previous.ProtectedSigningSecret] = key;
        }

        return key;
    }

    private bool IsMember(string actor) => Exists && project.State.Members.Contains(actor);

    private MemberChangeOutcome? OwnerOnly(string actor) =>
        !IsMember(actor) ? MemberChangeOutcome.NotFound
        : actor != project.State.Owner ? MemberChangeOutcome.NotOwner
        : null;

    private ApiKeySummary Summarize(StoredApiKey k) =>
        new(k.Id, k.Name, k.Prefix, k.PublishableKey, k.AllowedOrigins.ToArray(), k.CreatedAt, k.LastUsedAt, k.ExpiresAt, WorkingPredecessor(k));

    // Only an old key that still works is listed: after its moment it is gone from the list (its record stays for the refusal).
    private PredecessorSummary? WorkingPredecessor(StoredApiKey k) =>
        k.Predecessor is { } p && clock.GetUtcNow() < p.StopsWorkingAt
            ? new PredecessorSummary(p.Id, p.Prefix, p.CreatedAt, p.LastUsedAt, p.RolledAt, p.StopsWorkingAt)
            : null;
}
