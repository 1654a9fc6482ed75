using System.Buffers;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A fixed set of issued secrets, searched for all at once: one vectorized multi-string search
/// per text instead of one search per secret, which keeps a scan cheap as the ledger grows.
/// </summary>
public sealed class SecretSearch
{
    private readonly SearchValues<string>? _any;
    private readonly Dictionary<string, IssuedSecret> _byValue;
    private readonly int _shortest;

    public SecretSearch(IEnumerable<IssuedSecret> secrets)
    {
        _byValue = secrets.Where(s => s.Value.Length > 0).DistinctBy(s => s.Value).ToDictionary(s => s.Value, StringComparer.Ordinal);
        if (_byValue.Count > 0)
        {
            _any = SearchValues.Create(_byValue.Keys.ToArray(), StringComparison.Ordinal);
            _shortest = _byValue.Keys.Min(k => k.Length);
        }
    }

    /// <summary>How many secrets are searched for.</summary>
    public int Count => _byValue.Count;

    /// <summary>Every searched-for secret that occurs in <paramref name="text"/>, each once.</summary>
    public IReadOnlyList<IssuedSecret> FindIn(ReadOnlySpan<char> text)
    {
        if (_any is null)
        {
            return [];
        }

        List<IssuedSecret>? found = null;
        var offset = 0;
        while (text.Length - offset >= _shortest)
        {
            var at = text[offset..].IndexOfAny(_any);
            if (at < 0)
            {
                break;
            }

            var start = offset + at;
            foreach (var (value, secret) in _byValue)
            {
                if (text[start..].StartsWith(value, StringComparison.Ordinal) && !(found ??= []).Contains(secret))
                {
                    found.Add(secret);
                }
            }

            offset = start + 1;
        }

        return found ?? [];
    }

    /// <summary>The same for bytes (a database value, a response body) holding the secret as ASCII/UTF-8.</summary>
    public IReadOnlyList<IssuedSecret> FindIn(ReadOnlySpan<byte> bytes)
    {
        if (_any is null || bytes.Length < _shortest)
        {
            return [];
        }

        // Latin-1 maps each byte to one char, so an ASCII secret in the bytes is the same run of chars.
        var chars = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            var length = System.Text.Encoding.Latin1.GetChars(bytes, chars);
            return FindIn(chars.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
