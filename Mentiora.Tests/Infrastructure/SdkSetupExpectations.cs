namespace Mentiora.Tests.Infrastructure;

/// <summary>What a page must show so that the published SDKs, which do not read MENTIORA_BASE_URL, send to this server.</summary>
public static class SdkSetupExpectations
{
    /// <summary>Asserts the page's code works with the SDKs as published: base URL passed in code, and the whoami check.</summary>
    public static void ShowsCodeForThisServer(string html, Uri baseAddress)
    {
        var code = string.Join("\n", DashboardHtml.CodeBlocks(html));
        var baseUrl = baseAddress.GetLeftPart(UriPartial.Authority);
        Assert.Contains($"MENTIORA_BASE_URL={baseUrl}", code);
        Assert.Contains("new MentioraClient({\n  apiKey: process.env.MENTIORA_API_KEY,\n  baseUrl: process.env.MENTIORA_BASE_URL,\n})", code);
        Assert.Contains("MentioraConfig(\n    api_key=os.getenv('MENTIORA_API_KEY'),\n    base_url=os.getenv('MENTIORA_BASE_URL'),\n)", code);
        Assert.Contains("curl -H \"Authorization: Bearer $MENTIORA_API_KEY\" $MENTIORA_BASE_URL/api/v1/whoami", code);
        Assert.Contains("The SDK does not read MENTIORA_BASE_URL by itself", DashboardHtml.Text(html));
    }
}
