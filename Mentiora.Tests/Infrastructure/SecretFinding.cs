namespace Mentiora.Tests.Infrastructure;

/// <summary>One issued secret found where it must not be; prints only the secret's prefix.</summary>
public sealed record SecretFinding(IssuedSecret Secret, string Where)
{
    public override string ToString() => $"{Secret} found in {Where}";
}
