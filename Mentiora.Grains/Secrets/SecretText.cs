using System.Diagnostics;

namespace Mentiora.Grains.Secrets;

/// <summary>
/// A password, API key, signing secret or identity token crossing the grain boundary: serialised
/// like its text, but printed as <see cref="Redacted"/> by every formatter, so the messages and
/// exceptions Orleans builds from a call's arguments or answer never hold the value itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("Mentiora.SecretText")]
[DebuggerDisplay(Redacted)]
public sealed class SecretText
{
    /// <summary>What a secret looks like in any log line, message or record's text.</summary>
    public const string Redacted = "[redacted]";

    // A field, not a property: a record holding a SecretText prints it through ToString, and nothing
    // that lists properties (a debugger, a serializer for logs) finds the text by accident.
    [Id(0)] private readonly string _value;

    public SecretText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary>The secret for the absent-or-present case of an optional argument: null stays null.</summary>
    public static SecretText? OrNull(string? value) => value is null ? null : new SecretText(value);

    /// <summary>The plaintext; call it only where the value is used (hashed, verified, shown once to its owner).</summary>
    public string Reveal() => _value;

    public override string ToString() => Redacted;
}
