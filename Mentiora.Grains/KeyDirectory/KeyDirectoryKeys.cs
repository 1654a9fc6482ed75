namespace Mentiora.Grains.KeyDirectory;

/// <summary>The grain keys of <see cref="IKeyDirectoryGrain"/> entries, one prefix per kind of public identifier.</summary>
public static class KeyDirectoryKeys
{
    /// <summary>Marks an entry keyed by a secret key's 8-character prefix.</summary>
    public const string SecretKeyPrefix = "sk:";

    /// <summary>Marks an entry keyed by a publishable key (<c>pk_live_…</c>).</summary>
    public const string PublishableKeyPrefix = "pk:";

    /// <summary>The entry key for a secret key's prefix.</summary>
    public static string ForSecretKeyPrefix(string prefix) => SecretKeyPrefix + prefix;

    /// <summary>The entry key for a publishable key.</summary>
    public static string ForPublishableKey(string publishableKey) => PublishableKeyPrefix + publishableKey;
}
