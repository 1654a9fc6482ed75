using Microsoft.Playwright;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A headless system Chromium driven by Playwright, shared by the tests of one class; each test gets
/// its own browser context, so cookies and storage never leak between tests.
/// </summary>
/// <remarks>
/// Playwright's own browser builds come from a CDN that this project's machines cannot reach, so
/// the fixture launches the Debian package's Chromium through ExecutablePath and nobody ever runs
/// <c>playwright install</c>. With an ExecutablePath the 1.64 driver neither looks for a browser of
/// its own nor validates the host's libraries, so no variable is needed today; the two
/// PLAYWRIGHT_SKIP_* variables are set anyway, so that a later driver that starts doing either on
/// launch does not reach for the network this project's machines do not have. The driver itself (node and its package) comes with the
/// NuGet package, copied to .playwright/ in the build output of every configuration.
/// <para>
/// The clipboard, as found with Chromium 156: the async Clipboard API needs a secure context, and
/// Chromium counts http://127.0.0.1 (MentioraApp's address) and http://localhost alike as one, so
/// the app's own address works and nothing needs rewriting to localhost. writeText works without
/// any grant; readText fails with "Read permission denied" unless clipboard-read is granted for the
/// page's exact origin (scheme, host and port: a grant for localhost does not cover 127.0.0.1),
/// hence the grant per context for its base URL. Headless Chromium keeps one in-process clipboard
/// for the whole browser, not one per context: a test that reads it must write it first.
/// </para>
/// <para>
/// Every page runs under the dashboard's Content-Security-Policy, and what the policy blocks is
/// collected per page (Chromium logs it; the securitypolicyviolation event is reported in words
/// the same filter catches), so each test can fail on it through <see cref="AssertNoPolicyViolations"/>.
/// </para>
/// </remarks>
public sealed class BrowserFixture : IAsyncLifetime
{
    private const string ChromiumVariable = "MENTIORA_CHROMIUM";

    private const string NotFound =
        "Chromium not found. The browser tests drive the system Chromium: install it with " +
        "`apt-get update && apt-get install -y chromium` (Debian/Ubuntu), or set MENTIORA_CHROMIUM to its path.";

    private static readonly string[] ChromiumArgs =
    [
        // The tests run as root, where Chromium refuses to start sandboxed.
        "--no-sandbox",
        "--disable-gpu",
        // Without these Chromium keeps calling Google services over the closed network, which
        // slows every launch and floods the logs.
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    // Reports every violation in words the console filter below catches, with the element it happened on. One is
    // left out: an empty style attribute refused, which changes nothing on screen. The dashboard's markup has no style
    // attributes, yet inputs a test has used can carry style="" and htmx copies that attribute onto the element it
    // swaps in; Chromium then refuses to apply it, though there is nothing to apply. Styles that say anything count.
    private const string ReportPolicyViolations = """
        document.addEventListener('securitypolicyviolation', e => {
          if (e.violatedDirective.startsWith('style-src-attr') && e.target?.getAttribute?.('style') === '') return;
          console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')
            + ' on ' + (e.target?.outerHTML ?? String(e.target)).slice(0, 200));
        });
        """;

    // Chromium's own console line for a refused style attribute does not say which one; the event above does.
    private const string ChromiumStyleAttributeRefusal = "Applying inline style violates";

    private readonly Lock _contextsLock = new();
    private readonly List<IBrowserContext> _contexts = [];
    private readonly Dictionary<IBrowserContext, List<string>> _policyViolations = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where screenshots go: TestResults/artifacts in the repository (ignored by git).</summary>
    public static string ArtifactsFolder { get; } = FindArtifactsFolder();

    /// <summary>The launched Chromium.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not launched yet.");

    public async Task InitializeAsync()
    {
        var executable = FindChromium();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_VALIDATE_HOST_REQUIREMENTS", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>
    /// A page in a new context whose relative URLs resolve against <paramref name="baseUrl"/>; with
    /// <paramref name="javaScriptEnabled"/> false, a browser that runs no script (links and forms only).
    /// </summary>
    public async Task<IPage> NewPageAsync(Uri baseUrl, bool javaScriptEnabled = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            JavaScriptEnabled = javaScriptEnabled,
        });
        var violations = new List<string>();
        lock (_contextsLock)
        {
            _contexts.Add(context);
            _policyViolations[context] = violations;
        }

        await context.AddInitScriptAsync(ReportPolicyViolations);
        context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) &&
                !message.Text.StartsWith(ChromiumStyleAttributeRefusal, StringComparison.Ordinal))
            {
                lock (_contextsLock)
                {
                    violations.Add(message.Text);
                }
            }
        };
        await context.GrantPermissionsAsync(
            ["clipboard-read", "clipboard-write"],
            new BrowserContextGrantPermissionsOptions { Origin = baseUrl.GetLeftPart(UriPartial.Authority) });
        return await context.NewPageAsync();
    }

    /// <summary>What the Content-Security-Policy has blocked so far on <paramref name="page"/> (and the pages it opened).</summary>
    public IReadOnlyList<string> PolicyViolationsOf(IPage page)
    {
        lock (_contextsLock)
        {
            return _policyViolations.TryGetValue(page.Context, out var violations) ? [.. violations] : [];
        }
    }

    /// <summary>
    /// Fails if the Content-Security-Policy blocked anything on a page opened since the last call;
    /// every browser test ends with it, so markup or script the policy refuses never passes unnoticed.
    /// </summary>
    public void AssertNoPolicyViolations()
    {
        string[] reported;
        lock (_contextsLock)
        {
            reported = [.. _policyViolations.Values.SelectMany(v => v)];
            _policyViolations.Clear();
        }

        Assert.True(reported.Length == 0, $"the browser reported Content-Security-Policy violations: {string.Join(" | ", reported)}");
    }

    /// <summary>
    /// How every browser test ends: fails on a Content-Security-Policy violation, and disposes what
    /// the test started (in order) whether or not it failed.
    /// </summary>
    public async Task AssertNoPolicyViolationsThenDisposeAsync(params IAsyncDisposable[] started)
    {
        try
        {
            AssertNoPolicyViolations();
        }
        finally
        {
            foreach (var part in started)
            {
                await part.DisposeAsync();
            }
        }
    }

    /// <summary>Saves a full-page PNG named <paramref name="name"/> in <see cref="ArtifactsFolder"/>.</summary>
    public async Task SaveScreenshotAsync(IPage page, string name)
    {
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{name}' is not a usable file name.", nameof(name));
        }

        Directory.CreateDirectory(ArtifactsFolder);
        var file = name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? name : name + ".png";
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsFolder, file), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        IBrowserContext[] contexts;
        lock (_contextsLock)
        {
            contexts = [.. _contexts];
            _contexts.Clear();
        }

        foreach (var context in contexts)
        {
            await context.DisposeAsync();
        }

        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    private static string FindChromium()
    {
        var configured = Environment.GetEnvironmentVariable(ChromiumVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            // A bare name is looked up on PATH, as test.sh does with `command -v`.
            var path = configured.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) ? configured : FindOnPath(configured);
            return path is not null && File.Exists(path)
                ? path
                : throw new InvalidOperationException($"{ChromiumVariable} is set to '{configured}', which is not an existing file. {NotFound}");
        }

        if (File.Exists("/usr/bin/chromium"))
        {
            return "/usr/bin/chromium";
        }

        return FindOnPath("chromium") ?? FindOnPath("chromium-browser") ?? throw new InvalidOperationException(NotFound);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static string FindArtifactsFolder()
    {
        string root;
        try
        {
            root = RepositoryRoot.Path;
        }
        catch (TypeInitializationException e) when (e.InnerException is InvalidOperationException)
        {
            // A test output copied away from the repository still gets its screenshots, next to itself.
            root = AppContext.BaseDirectory;
        }

        return Path.Combine(root, "TestResults", "artifacts");
    }
}
