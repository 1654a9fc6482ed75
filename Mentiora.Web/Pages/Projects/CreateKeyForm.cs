using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// The create-key form: what was typed, why it was refused (if it was), and its one-time token
/// (a refused form keeps its unused token; a new form gets a fresh one, see OneTimeForms).
/// </summary>
public sealed record CreateKeyForm(string? Name, string? Error, string? FormToken = null, KeyExpiry Expires = KeyExpiry.Never);
