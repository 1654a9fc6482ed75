namespace Mentiora.Grains.Projects;

/// <summary>One API key as the project grain stores it: never the plaintext key or signing secret.</summary>
[GenerateSerializer, Alias("Mentiora.StoredApiKey")]
public sealed class StoredApiKey
{
    /// <summary>Stable id of the key, used by the dashboard and recorded with each trace.</summary>
    [Id(0)] public Guid Id { get; set; }

    /// <summary>The user's name for the key; empty when unnamed.</summary>
    [Id(1)] public string Name { get; set; } = string.Empty;

    /// <summary>First 8 characters of the key, shown in the list and used as its directory entry.</summary>
    [Id(2)] public string Prefix { get; set; } = string.Empty;

    /// <summary>SHA-256 of the key.</summary>
    [Id(3)] public byte[] Hash { get; set; } = [];

    /// <summary>The publishable key (<c>pk_live_…</c>) that goes with this key; not secret.</summary>
    [Id(4)] public string PublishableKey { get; set; } = string.Empty;

    /// <summary>Origins a browser may send traces from with the publishable key.</summary>
    [Id(5)] public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>The identity-token signing secret, protected with ASP.NET Core Data Protection.</summary>
    [Id(6)] public string ProtectedSigningSecret { get; set; } = string.Empty;

    /// <summary>When the key was created.</summary>
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the key last authenticated a request; null until then.</summary>
    [Id(8)] public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>When true, browser requests from origins that are not allowed are accepted and recorded instead of refused.</summary>
    [Id(20)] public bool ReportOnly { get; set; }

    /// <summary>Origins the allowed origins did not accept lately (see <see cref="BlockedOriginLog"/>); written with the last-used times.</summary>
    [Id(21)] public List<BlockedOrigin> BlockedOrigins { get; set; } = [];

    /// <summary>When true, browser requests with the publishable key must carry a valid identity token; off by default.</summary>
    [Id(30)] public bool RequireIdentityToken { get; set; }

    /// <summary>When the key stops working (decided at request time, on every silo alike); null when it never expires.</summary>
    [Id(35)] public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>True once the activity log has an entry saying the key expired, so it gets exactly one.</summary>
    [Id(60)] public bool ExpiryLogged { get; set; }
    /// <summary>The key this one replaced when it was rolled, kept (hash only) until it has been ended for <see cref="ProjectGrain.PredecessorKeptFor"/>; null when never rolled.</summary>
    [Id(40)] public KeyPredecessor? Predecessor { get; set; }
    /// <summary>Signing secrets replaced by rolls, oldest first; at most one still works (see <see cref="PreviousSigningSecret"/>).</summary>
    [Id(50)] public List<PreviousSigningSecret> PreviousSigningSecrets { get; set; } = [];

    /// <summary>Publishable keys replaced by rolls, oldest first, each still claimed in the key directory; at most one still works.</summary>
    [Id(51)] public List<PreviousPublishableKey> PreviousPublishableKeys { get; set; } = [];

    /// <summary>Accepted traces and refusals of the key, flushed with <see cref="LastUsedAt"/>.</summary>
    [Id(10)] public Usage.KeyUsage Usage { get; set; } = new();
}
