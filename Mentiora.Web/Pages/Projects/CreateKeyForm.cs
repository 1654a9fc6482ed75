namespace Mentiora.Web.Pages.Projects;

/// <summary>The create-key form: what was typed and why it was refused, if it was.</summary>
public sealed record CreateKeyForm(string? Name, string? Error);
