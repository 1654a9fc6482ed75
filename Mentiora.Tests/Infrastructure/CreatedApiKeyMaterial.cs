namespace Mentiora.Tests.Infrastructure;

/// <summary>What a customer copies from the creation dialog and the Settings page for browser mode.</summary>
public sealed record CreatedApiKeyMaterial(string SecretKey, string PublishableKey, string SigningSecret);
