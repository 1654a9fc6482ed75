namespace Mentiora.Grains.KeyDirectory;

/// <summary>
/// Where an entry was stored before one directory grain existed: one grain type per kind of
/// identifier, keyed by the bare identifier, each with its own state name.
/// </summary>
internal sealed record LegacyKeyDirectoryEntry(string StateName, GrainId GrainId)
{
    // Orleans named those grain types after their classes, ApiKeyPrefixGrain and PublishableKeyGrain.
    private const string PrefixGrainType = "apikeyprefix";
    private const string PublishableKeyGrainType = "publishablekey";

    /// <summary>The legacy location of the entry with this directory key, or null when the key has no such past.</summary>
    public static LegacyKeyDirectoryEntry? For(string directoryKey)
    {
        if (directoryKey.StartsWith(KeyDirectoryKeys.SecretKeyPrefix, StringComparison.Ordinal))
        {
            return new("prefix", GrainId.Create(PrefixGrainType, directoryKey[KeyDirectoryKeys.SecretKeyPrefix.Length..]));
        }

        if (directoryKey.StartsWith(KeyDirectoryKeys.PublishableKeyPrefix, StringComparison.Ordinal))
        {
            return new("publishable", GrainId.Create(PublishableKeyGrainType, directoryKey[KeyDirectoryKeys.PublishableKeyPrefix.Length..]));
        }

        return null;
    }
}
