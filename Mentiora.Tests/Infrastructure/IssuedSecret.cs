namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A plaintext key, signing secret, password or identity token some test was given. A class, not a record: a generated
/// ToString would print the value into the very failure message that reports its leak.
/// </summary>
public sealed class IssuedSecret(string value, SecretKind kind, string issuedBy)
{
    /// <summary>How many leading characters a message may show, as the dashboard does after creation.</summary>
    public const int ShownPrefixLength = 8;

    /// <summary>The plaintext itself; never to be put into a message.</summary>
    public string Value { get; } = value;

    public SecretKind Kind { get; } = kind;

    /// <summary>Where the test saw it first (a grain call, a dashboard response, a browser page).</summary>
    public string IssuedBy { get; } = issuedBy;

    /// <summary>The first characters only, which the product itself shows; none of a password, whose start is no public identifier.</summary>
    public string Prefix => Value.Length <= ShownPrefixLength || Kind == SecretKind.Password ? string.Empty : Value[..ShownPrefixLength];

    public override string ToString() => $"{KindName} {Prefix}… (issued by {IssuedBy})";

    private string KindName => Kind switch
    {
        SecretKind.ApiKey => "API key",
        SecretKind.SigningSecret => "signing secret",
        SecretKind.Password => $"password of {Value.Length} characters",
        _ => "identity token",
    };
}
