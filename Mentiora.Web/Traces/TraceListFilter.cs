namespace Mentiora.Web.Traces;

/// <summary>What the Traces list and chart narrow the traces to: a start-time window (from inclusive, to exclusive) and optional filters; null or false means any.</summary>
public sealed record TraceListFilter(
    DateTimeOffset From,
    DateTimeOffset To,
    string? Type = null,
    Guid? KeyId = null,
    string? EndUserId = null,
    string? NamePrefix = null,
    bool ErrorsOnly = false);
