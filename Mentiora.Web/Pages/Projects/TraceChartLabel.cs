namespace Mentiora.Web.Pages.Projects;

/// <summary>One label under the Traces chart's time axis, centred on its bucket.</summary>
public sealed record TraceChartLabel(string X, string Text);
