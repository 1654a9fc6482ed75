using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// The Allowed origins dialog of one key: its publishable key, its origins, report-only, the
/// origins it refused lately, what the last change said and what the last test answered.
/// </summary>
public sealed record OriginsView(
    KeyOrigins Origins,
    string BaseUrl,
    DateTimeOffset Now,
    string? Input = null,
    string? Error = null,
    string? Notice = null,
    string? TestInput = null,
    OriginTestAnswer? TestAnswer = null)
{
    /// <summary>The key the dialog is about.</summary>
    public ApiKeySummary Key => Origins.Key;
}
