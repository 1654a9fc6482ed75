namespace Mentiora.Web.Pages;

/// <summary>The header htmx requests carry the antiforgery token in, read by the dashboard script from a meta tag.</summary>
public static class AntiforgeryHeader
{
    public const string Name = "RequestVerificationToken";
}
