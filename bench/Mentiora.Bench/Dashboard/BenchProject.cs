namespace Mentiora.Bench.Dashboard;

/// <summary>A project made through the dashboard by a new account, with the id and value of the key created in it.</summary>
public sealed record BenchProject(Guid ProjectId, Guid KeyId, string Key);
