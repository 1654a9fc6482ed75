namespace Mentiora.Web.Traces;

/// <summary>What the Traces page narrows the list to; null means any.</summary>
public sealed record TraceFilter(string? Type, Guid? KeyId, string? EndUser)
{
    /// <summary>True when nothing is filtered.</summary>
    public bool IsEmpty => Type is null && KeyId is null && EndUser is null;
}
