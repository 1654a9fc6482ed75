using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// The roll dialog's form for one key: the grace chosen, why a roll was refused (if it was), and its
/// one-time token (a refused form keeps its unused token; a new form gets a fresh one, see OneTimeForms).
/// </summary>
public sealed record RollKeyForm(ApiKeySummary Key, DateTimeOffset Now, string? FormToken = null, RollGrace Grace = RollGraceLabels.Default, string? Error = null);
