using Mentiora.Grains.Projects;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A created key with its plaintext taken out of the redacting wrapper, for tests that send it the
/// way a customer's application would. A class, not a record: a generated ToString would print it.
/// </summary>
public sealed class RevealedApiKey(CreatedApiKey created)
{
    public ApiKeySummary Summary { get; } = created.Summary;

    /// <summary>The secret API key, as the SDK sends it.</summary>
    public string Key { get; } = created.Key.Reveal();

    /// <summary>The signing secret, as the customer's server signs identity tokens with it.</summary>
    public string SigningSecret { get; } = created.SigningSecret.Reveal();
}
