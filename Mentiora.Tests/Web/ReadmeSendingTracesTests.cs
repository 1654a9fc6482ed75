using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>The README's "Sending traces" section shows code that works with the SDKs as published, which do not read MENTIORA_BASE_URL.</summary>
public sealed class ReadmeSendingTracesTests
{
    private static string SendingTraces()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        var start = readme.IndexOf("## Sending traces", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has a 'Sending traces' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    [Fact]
    public void TheReadmePassesTheBaseUrlInCodeAndSaysWhy()
    {
        var section = SendingTraces();

        Assert.Contains("new MentioraClient({ apiKey: process.env.MENTIORA_API_KEY, baseUrl: process.env.MENTIORA_BASE_URL })", section);
        Assert.Contains("MentioraConfig(api_key=os.getenv('MENTIORA_API_KEY'), base_url=os.getenv('MENTIORA_BASE_URL'))", section);
        Assert.Contains("The SDK does not read `MENTIORA_BASE_URL` by itself", section);
    }

    [Fact]
    public void TheReadmeShowsHowToCheckAKeyWithWhoAmI()
    {
        Assert.Contains("curl -H \"Authorization: Bearer $MENTIORA_API_KEY\" $MENTIORA_BASE_URL/api/v1/whoami", SendingTraces());
    }
}
