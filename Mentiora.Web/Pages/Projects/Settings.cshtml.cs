using System.ComponentModel.DataAnnotations;
using Mentiora.Grains.Accounts;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Web.Activity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// Settings of one project: its API keys and members. Each handler makes its change through the
/// project grain and answers htmx with the partial that changed, or a plain form post with a
/// redirect, so everything works without JavaScript too.
/// </summary>
public sealed class SettingsModel(IGrainFactory grains, TimeProvider clock, DatabaseActivityLog activityLog) : PageModel
{
    [FromRoute]
    public Guid ProjectId { get; set; }

    /// <summary>Without JavaScript, dialogs open through the query string (<c>?dialog=create</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "dialog")]
    public string? OpenDialog { get; set; }

    /// <summary>Without JavaScript, the key whose rename field is open.</summary>
    [BindProperty(SupportsGet = true, Name = "rename")]
    public Guid? RenamingKeyId { get; set; }

    /// <summary>Without JavaScript, the key whose revoke confirmation is open.</summary>
    [BindProperty(SupportsGet = true, Name = "revoke")]
    public Guid? RevokingKeyId { get; set; }

    /// <summary>Without JavaScript, the key whose roll dialog is open.</summary>
    [BindProperty(SupportsGet = true, Name = "roll")]
    public Guid? RollingKeyId { get; set; }

    /// <summary>Without JavaScript, the key whose Allowed origins dialog is open.</summary>
    [BindProperty(SupportsGet = true, Name = "origins")]
    public Guid? OriginsKeyId { get; set; }

    /// <summary>Without JavaScript, the origin typed into Test an origin.</summary>
    [BindProperty(SupportsGet = true, Name = "test")]
    public string? TestedOrigin { get; set; }

    /// <summary>The Activity card's page: entries older than this cursor (from its "Older" link).</summary>
    [BindProperty(SupportsGet = true, Name = "activityBefore")]
    public long? ActivityBefore { get; set; }

    /// <summary>The Activity card's entries; loaded only for the full page and the card's own handler.</summary>
    public ActivityPage? Activity { get; private set; }

    [Display(Name = "Email")]
    public string? MemberEmail { get; set; }

    /// <summary>The Allowed origins dialog's content, when it is open.</summary>
    public OriginsView? Origins { get; private set; }

    public ProjectSettings Project { get; private set; } = null!;

    /// <summary>The key just created, shown once in the dialog; never stored anywhere else.</summary>
    public CreatedApiKey? Created { get; private set; }

    public string? NewKeyName { get; private set; }

    /// <summary>The unused one-time token of a refused create form, kept when it is shown again.</summary>
    public string? NewKeyFormToken { get; private set; }

    /// <summary>The expiry chosen in a refused create form, kept when it is shown again.</summary>
    public KeyExpiry NewKeyExpires { get; private set; }

    public string? CreateError { get; private set; }

    /// <summary>True when the create form was sent again: its key was shown already and is not shown twice.</summary>
    public bool KeyAlreadyShown { get; private set; }

    public string? RenameError { get; private set; }

    /// <summary>The roll dialog's form, when it is open without JavaScript or was refused.</summary>
    public RollKeyForm? RollForm { get; private set; }

    /// <summary>The key just rolled, its new key shown once in the roll dialog; never stored anywhere else.</summary>
    public RollApiKeyResult? Rolled { get; private set; }

    /// <summary>True when the roll form was sent again: its new key was shown already and is not shown twice.</summary>
    public bool RollAlreadyShown { get; private set; }

    public bool RollDialogOpen => Rolled is not null || RollAlreadyShown || RollForm is not null;

    public string? MemberMessage { get; private set; }

    public bool MemberMessageIsError { get; private set; }

    /// <summary>The Keep traces for card's line after a save (also after the no-JavaScript redirect, from <c>?retention=saved</c>).</summary>
    public string? TraceRetentionMessage { get; private set; }

    public bool TraceRetentionMessageIsError { get; private set; }

    /// <summary>Set by the redirect after a save without JavaScript, so the page confirms it.</summary>
    [BindProperty(SupportsGet = true, Name = "retention")]
    public string? TraceRetentionSaved { get; set; }

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public string Actor => User.AccountKey();

    /// <summary>This server's address, as the SDK's base URL.</summary>
    public string BaseUrl => $"{Request.Scheme}://{Request.Host}";

    /// <summary>True while rendering an htmx response, where other parts of the page are updated out of band.</summary>
    public bool IsHtmx => Request.IsHtmx();

    public ApiKeySummary? RevokingKey => Project.ApiKeys.FirstOrDefault(k => k.Id == RevokingKeyId);

    /// <summary>How the revoke confirmation names what it revokes: a key, or a rolled key's old key still working; null when neither.</summary>
    public string? RevokingLabel => RevokingKey is { } key ? KeyLabels.Describe(key)
        : Project.ApiKeys.Select(k => k.Predecessor).FirstOrDefault(p => p is not null && p.Id == RevokingKeyId && p.WorksAt(Now)) is { } old ? KeyLabels.DescribeRolled(old)
        : null;

    private IProjectDashboardGrain ThisProject => grains.GetGrain<IProjectDashboardGrain>(ProjectId);

    public ApiKeyRowView Row(ApiKeySummary key) => new(key, key.Id == RenamingKeyId, key.Id == RenamingKeyId ? RenameError : null, Now);

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        if (OriginsKeyId is { } keyId)
        {
            Origins = await LoadOriginsAsync(keyId, test: TestedOrigin);
        }

        if (RollingKeyId is { } rolling && RollableKey(rolling) is { } key)
        {
            RollForm = new RollKeyForm(key, Now);
        }

        if (TraceRetentionSaved == "saved")
        {
            TraceRetentionMessage = TraceRetentionMessages.For(TraceRetentionOutcome.Changed, Project.TraceRetentionDays);
        }

        // Membership was checked by the grain above, before the table is read.
        Activity = await activityLog.ReadPage(ProjectId, ActivityBefore, cancellationToken: HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>The Activity card alone, for its "Older" link with htmx.</summary>
    public async Task<IActionResult> OnGetActivityAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        Activity = await activityLog.ReadPage(ProjectId, ActivityBefore, cancellationToken: HttpContext.RequestAborted);
        return Partial("_ActivityCard", this);
    }

    /// <summary>
    /// The Allowed origins dialog's content, fetched by the page script when the globe icon is
    /// clicked, and by Test an origin (a GET: testing changes nothing).
    /// </summary>
    public async Task<IActionResult> OnGetOriginsAsync(Guid keyId, string? test) =>
        await LoadOriginsAsync(keyId, test: test) is { } origins ? Partial("_OriginsDialog", origins) : NotFound();

    public async Task<IActionResult> OnPostReportOnlyAsync(Guid keyId, bool reportOnly)
    {
        var outcome = await ThisProject.SetReportOnly(Actor, keyId, reportOnly);
        if (outcome == OriginChangeOutcome.NotFound)
        {
            return NotFound();
        }

        if (!IsHtmx)
        {
            return RedirectToPage(new { projectId = ProjectId, origins = keyId });
        }

        return await LoadOriginsAsync(keyId, notice: OriginMessages.ReportOnlySwitched(reportOnly)) is { } origins
            ? Partial("_OriginsDialog", origins)
            : NotFound();
    }

    public async Task<IActionResult> OnPostRequireIdentityTokenAsync(Guid keyId, bool requireIdentityToken)
    {
        var outcome = await ThisProject.SetRequireIdentityToken(Actor, keyId, requireIdentityToken);
        if (outcome == OriginChangeOutcome.NotFound)
        {
            return NotFound();
        }

        if (!IsHtmx)
        {
            return RedirectToPage(new { projectId = ProjectId, origins = keyId });
        }

        return await LoadOriginsAsync(keyId, notice: OriginMessages.RequireIdentityTokenSwitched(requireIdentityToken)) is { } origins
            ? Partial("_OriginsDialog", origins)
            : NotFound();
    }

    public async Task<IActionResult> OnPostAddOriginAsync(Guid keyId, string? origin)
    {
        var change = await ThisProject.AddAllowedOrigin(Actor, keyId, origin ?? string.Empty);
        return await OriginsResultAsync(keyId, change, origin, added: true);
    }

    public async Task<IActionResult> OnPostRemoveOriginAsync(Guid keyId, string origin)
    {
        var change = await ThisProject.RemoveAllowedOrigin(Actor, keyId, origin);
        return await OriginsResultAsync(keyId, change, null, added: false);
    }

    /// <summary>
    /// Rolls the key's signing secret and answers with the dialog showing the new secret once (a page,
    /// not a redirect, without JavaScript: like a create, the answer is the only place it appears).
    /// </summary>
    public async Task<IActionResult> OnPostRollSigningSecretAsync(Guid keyId, string? formToken, RollGrace? grace)
    {
        // No choice, or one the radio group does not offer (a hand-made post), rolls nothing.
        if (grace is not { } chosen || !Enum.IsDefined(chosen))
        {
            return BadRequest();
        }

        var roll = await ThisProject.RollSigningSecret(Actor, keyId, chosen, formToken);
        if (roll.Outcome == SecretRollOutcome.NotFound)
        {
            return NotFound();
        }

        OriginsKeyId = keyId;
        if (roll.Outcome == SecretRollOutcome.AlreadyRolled)
        {
            Origins = await LoadOriginsAsync(keyId);
            Origins = Origins is null ? null : Origins with { RollError = SecretRollMessages.SigningSecretAlreadyShown };
            return Origins is null || (!IsHtmx && !await LoadAsync())
                ? NotFound()
                : WithStatus(IsHtmx ? Partial("_OriginsDialog", Origins) : Page(), StatusCodes.Status409Conflict);
        }

        // The response carries the new secret: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        Origins = await LoadOriginsAsync(keyId);
        Origins = Origins is null ? null : Origins with
        {
            NewSigningSecret = roll.SigningSecret,
            RollNotice = SecretRollMessages.SigningSecretRolled(chosen, roll.PreviousStopsWorkingAt),
        };
        if (Origins is null || (!IsHtmx && !await LoadAsync()))
        {
            return NotFound();
        }

        return IsHtmx ? Partial("_OriginsDialog", Origins) : Page();
    }

    /// <summary>Rolls the key's publishable key; with htmx the dialog and the key list (which shows the publishable key) are swapped.</summary>
    public async Task<IActionResult> OnPostRollPublishableKeyAsync(Guid keyId, RollGrace? grace)
    {
        if (grace is not { } chosen || !Enum.IsDefined(chosen))
        {
            return BadRequest();
        }

        var roll = await ThisProject.RollPublishableKey(Actor, keyId, chosen);
        if (roll.Outcome == SecretRollOutcome.NotFound)
        {
            return NotFound();
        }

        if (!IsHtmx)
        {
            return RedirectToPage(new { projectId = ProjectId, origins = keyId });
        }

        OriginsKeyId = keyId;
        Origins = await LoadOriginsAsync(keyId);
        Origins = Origins is null ? null : Origins with { RollNotice = SecretRollMessages.PublishableKeyRolled(chosen, roll.PreviousStopsWorkingAt) };
        return Origins is null || !await LoadAsync() ? NotFound() : Partial("_RolledPublishableKey", this);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? formToken, KeyExpiry expires = KeyExpiry.Never)
    {
        // A value that is no choice of the select (a hand-made post) is refused rather than read as "never".
        if (!Enum.IsDefined(expires) || (ModelState.TryGetValue("expires", out var bound) && bound.Errors.Count > 0))
        {
            return BadRequest();
        }

        var result = await ThisProject.CreateApiKey(Actor, name, formToken, expires);
        if (result.Outcome == CreateApiKeyOutcome.NotFound || !await LoadAsync())
        {
            return NotFound();
        }

        if (result.Outcome == CreateApiKeyOutcome.AlreadyCreated)
        {
            OpenDialog = "create";
            KeyAlreadyShown = true;
            return WithStatus(IsHtmx ? Partial("_KeyAlreadyShown", this) : Page(), StatusCodes.Status409Conflict);
        }

        if (result.Created is null)
        {
            OpenDialog = "create";
            NewKeyName = name;
            CreateError = ApiKeyMessages.CreateRefused(result.Outcome);
            NewKeyFormToken = formToken;
            NewKeyExpires = expires;
            return WithStatus(IsHtmx ? Partial("_CreateKeyForm", new CreateKeyForm(name, CreateError, formToken, expires)) : Page(), StatusCodes.Status422UnprocessableEntity);
        }

        // The response carries the plaintext key: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        Created = result.Created;
        OpenDialog = "create";
        return IsHtmx ? Partial("_CreatedKey", this) : Page();
    }

    /// <summary>The roll dialog's form for one key, fetched by the page script when Roll key is clicked.</summary>
    public async Task<IActionResult> OnGetRollAsync(Guid keyId) =>
        await LoadAsync() && RollableKey(keyId) is { } key ? Partial("_RollKeyForm", new RollKeyForm(key, Now)) : NotFound();

    public async Task<IActionResult> OnPostRollAsync(Guid keyId, string? formToken, RollGrace grace = RollGraceLabels.Default)
    {
        // A value that is no choice of the group (a hand-made post) is refused rather than read as the default.
        if (!Enum.IsDefined(grace) || (ModelState.TryGetValue("grace", out var bound) && bound.Errors.Count > 0))
        {
            return BadRequest();
        }

        var result = await ThisProject.RollApiKey(Actor, keyId, grace, formToken);
        if (result.Outcome == RollApiKeyOutcome.NotFound || !await LoadAsync())
        {
            return NotFound();
        }

        if (result.Outcome == RollApiKeyOutcome.AlreadyRolled)
        {
            RollAlreadyShown = true;
            return WithStatus(IsHtmx ? Partial("_KeyAlreadyShown", this) : Page(), StatusCodes.Status409Conflict);
        }

        if (result.Outcome != RollApiKeyOutcome.Rolled)
        {
            if (Project.ApiKeys.FirstOrDefault(k => k.Id == keyId) is not { } key)
            {
                return NotFound();
            }

            RollForm = new RollKeyForm(key, Now, formToken, grace, ApiKeyMessages.RollRefused(result.Outcome));
            return WithStatus(IsHtmx ? Partial("_RollKeyForm", RollForm) : Page(), StatusCodes.Status422UnprocessableEntity);
        }

        // The response carries the plaintext key: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        Rolled = result;
        return IsHtmx ? Partial("_CreatedKey", this) : Page();
    }

    public async Task<IActionResult> OnPostRenameAsync(Guid keyId, string? name)
    {
        var outcome = await ThisProject.RenameApiKey(Actor, keyId, name);
        if (outcome == RenameApiKeyOutcome.NotFound)
        {
            return NotFound();
        }

        if (outcome == RenameApiKeyOutcome.Renamed && !IsHtmx)
        {
            return RedirectToPage(new { projectId = ProjectId });
        }

        if (!await LoadAsync() || Project.ApiKeys.FirstOrDefault(k => k.Id == keyId) is not { } key)
        {
            return NotFound();
        }

        if (outcome == RenameApiKeyOutcome.NameTooLong)
        {
            RenamingKeyId = keyId;
            RenameError = ApiKeyMessages.RenameRefused(outcome);
            return WithStatus(IsHtmx ? Partial("_ApiKeyRow", Row(key)) : Page(), StatusCodes.Status422UnprocessableEntity);
        }

        return Partial("_ApiKeyRow", Row(key));
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid keyId)
    {
        if (!await ThisProject.RevokeApiKey(Actor, keyId))
        {
            return NotFound();
        }

        if (!IsHtmx)
        {
            return RedirectToPage(new { projectId = ProjectId });
        }

        if (!await LoadAsync())
        {
            return NotFound();
        }

        // Tells the page script to close the confirmation dialog.
        Response.Headers["HX-Trigger"] = "mentiora:key-revoked";
        return Partial("_ApiKeysList", this);
    }

    public async Task<IActionResult> OnPostAddMemberAsync(string? email)
    {
        MemberEmail = email;
        var outcome = AccountEmail.LooksValid(email)
            ? await ThisProject.AddMember(Actor, AccountEmail.Normalize(email!))
            : MemberChangeOutcome.NoSuchUser;
        return await MembersResultAsync(outcome, email?.Trim() ?? string.Empty, added: true);
    }

    public async Task<IActionResult> OnPostRemoveMemberAsync(string member)
    {
        var outcome = await ThisProject.RemoveMember(Actor, member);
        return await MembersResultAsync(outcome, member, added: false);
    }

    /// <summary>Sets how long the project keeps its traces (owner only); answers htmx with the card, a plain post with a redirect that confirms it.</summary>
    public async Task<IActionResult> OnPostTraceRetentionAsync(int? days)
    {
        // No choice sent, or one that is no number, is refused like a number that is no choice.
        var outcome = days is { } chosen ? await ThisProject.SetTraceRetention(Actor, chosen) : TraceRetentionOutcome.NotAChoice;
        if (outcome == TraceRetentionOutcome.NotFound || !await LoadAsync())
        {
            return NotFound();
        }

        if (outcome == TraceRetentionOutcome.NotAChoice && !Project.IsOwner(Actor))
        {
            outcome = TraceRetentionOutcome.NotOwner;
        }

        if (outcome is TraceRetentionOutcome.Changed or TraceRetentionOutcome.Unchanged && !IsHtmx)
        {
            return RedirectToPage(new { projectId = ProjectId, retention = "saved" });
        }

        var refused = outcome is TraceRetentionOutcome.NotOwner or TraceRetentionOutcome.NotAChoice;
        TraceRetentionMessageIsError = refused;
        TraceRetentionMessage = TraceRetentionMessages.For(outcome, Project.TraceRetentionDays);
        // A member's attempt is answered like the Members card's: the card, saying only the owner may.
        var status = refused ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK;
        return WithStatus(IsHtmx ? Partial("_TraceRetentionCard", this) : Page(), status);
    }

    private async Task<IActionResult> OriginsResultAsync(Guid keyId, OriginChange change, string? input, bool added)
    {
        if (change.Outcome == OriginChangeOutcome.NotFound)
        {
            return NotFound();
        }

        if (change.Outcome == OriginChangeOutcome.Done && !IsHtmx)
        {
            return RedirectToPage(new { projectId = ProjectId, origins = keyId });
        }

        var failed = change.Outcome != OriginChangeOutcome.Done;
        OriginsKeyId = keyId;
        Origins = await LoadOriginsAsync(keyId, failed ? input : null, OriginMessages.ErrorFor(change, added), failed ? null : OriginMessages.Done(change, added));
        if (Origins is null || (!IsHtmx && !await LoadAsync()))
        {
            return NotFound();
        }

        var status = failed ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK;
        return WithStatus(IsHtmx ? Partial("_OriginsDialog", Origins) : Page(), status);
    }

    private async Task<IActionResult> MembersResultAsync(MemberChangeOutcome outcome, string who, bool added)
    {
        if (outcome == MemberChangeOutcome.NotFound || !await LoadAsync())
        {
            return NotFound();
        }

        if (outcome == MemberChangeOutcome.Done && !IsHtmx)
        {
            return RedirectToPage(new { projectId = ProjectId });
        }

        MemberMessageIsError = outcome != MemberChangeOutcome.Done;
        MemberMessage = MemberMessages.For(outcome, who, added);
        if (outcome == MemberChangeOutcome.Done)
        {
            MemberEmail = null;
        }

        var status = MemberMessageIsError ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK;
        return WithStatus(IsHtmx ? Partial("_MembersCard", this) : Page(), status);
    }

    private async Task<OriginsView?> LoadOriginsAsync(Guid keyId, string? input = null, string? error = null, string? notice = null, string? test = null)
    {
        var origins = await ThisProject.GetKeyOrigins(Actor, keyId);
        if (origins is null)
        {
            return null;
        }

        var answer = test is null ? null : OriginMessages.Tested(await ThisProject.TestOrigin(Actor, keyId, test));
        return new OriginsView(origins, BaseUrl, Now, input, error, notice, test, answer);
    }

    // An expired key is not rolled (the grain refuses it): its row offers no roll dialog either.
    private ApiKeySummary? RollableKey(Guid keyId) => Project.ApiKeys.FirstOrDefault(k => k.Id == keyId && !k.IsExpiredAt(Now));

    private async Task<bool> LoadAsync()
    {
        var project = await ThisProject.GetSettings(Actor);
        if (project is null)
        {
            return false;
        }

        Project = project;
        ViewData["Title"] = $"Settings · {project.Name}";
        return true;
    }

    private static IActionResult WithStatus(IActionResult result, int status)
    {
        switch (result)
        {
            case PageResult page:
                page.StatusCode = status;
                break;
            case PartialViewResult partial:
                partial.StatusCode = status;
                break;
        }

        return result;
    }
}
