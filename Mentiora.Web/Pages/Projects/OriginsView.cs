using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// The Allowed origins dialog of one key: its publishable key, its origins, report-only, the
/// origins it refused lately, what the last change said and what the last test answered; after a
/// roll of the signing secret, the new secret, shown this once.
/// </summary>
public sealed record OriginsView(
    KeyOrigins Origins,
    string BaseUrl,
    DateTimeOffset Now,
    string? Input = null,
    string? Error = null,
    string? Notice = null,
    string? TestInput = null,
    OriginTestAnswer? TestAnswer = null,
    SecretText? NewSigningSecret = null,
    string? RollNotice = null,
    string? RollError = null)
{
    /// <summary>The key the dialog is about.</summary>
    public ApiKeySummary Key => Origins.Key;
}
