namespace Mentiora.Grains.Projects;

/// <summary>
/// A signing secret replaced by a roll: protected like the current one, it verifies identity tokens
/// until <see cref="StopsWorkingAt"/>, and is kept <see cref="RolledCredentials.Remembered"/> longer
/// only to tell a token signed with it why it is refused.
/// </summary>
[GenerateSerializer, Alias("Mentiora.PreviousSigningSecret")]
public sealed class PreviousSigningSecret
{
    /// <summary>The replaced secret, protected with ASP.NET Core Data Protection.</summary>
    [Id(0)] public string ProtectedSigningSecret { get; set; } = string.Empty;

    /// <summary>When it was replaced.</summary>
    [Id(1)] public DateTimeOffset RolledAt { get; set; }

    /// <summary>When tokens signed with it stop verifying (decided at request time, on every silo alike).</summary>
    [Id(2)] public DateTimeOffset StopsWorkingAt { get; set; }
}
