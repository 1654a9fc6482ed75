namespace Mentiora.Web.Pages.Projects;

/// <summary>What the Allowed origins dialog answers to Test an origin: the sentence, and whether the origin would get in.</summary>
public sealed record OriginTestAnswer(string Text, bool Accepted);
