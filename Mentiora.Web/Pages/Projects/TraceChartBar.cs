using Mentiora.Web.Traces;

namespace Mentiora.Web.Pages.Projects;

/// <summary>One bar of the Traces chart: its rectangle as SVG attribute values and the bucket it shows.</summary>
public sealed record TraceChartBar(string X, string Y, string Width, string Height, TraceChartBucket Bucket);
