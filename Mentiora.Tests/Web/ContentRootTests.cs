using System.Net;
using Mentiora.Harness.Silos;
using Mentiora.Web.Configuration;

namespace Mentiora.Tests.Web;

/// <summary>
/// The app finds its web files and its default data folder from where it is installed, whatever folder it is started
/// from; where it finds none, it stops at start with one line that says where it looked and what to pass.
/// </summary>
public sealed class ContentRootTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mentiora-tests", Guid.NewGuid().ToString("N"));

    public ContentRootTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task StartedFromAnotherFolderTheAppServesItsStylesAndScriptsAndKeepsItsDatabaseInItsOwnDataFolder()
    {
        var workingDirectory = Path.Combine(_folder, "elsewhere");
        Directory.CreateDirectory(workingDirectory);

        await using (var app = await SiloProcess.StartAsync(new SiloOptions { Name = "elsewhere", ContentRoot = workingDirectory }))
        {
            using var http = app.CreateClient();
            foreach (var (path, type) in new[] { ("/css/site.css", "text/css"), ("/lib/htmx/htmx.min.js", "text/javascript"), ("/js/dashboard.js", "text/javascript") })
            {
                var answer = await http.GetAsync(path);
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)answer.StatusCode}");
                Assert.Equal(type, answer.Content.Headers.ContentType?.MediaType);
                Assert.NotEmpty(await answer.Content.ReadAsByteArrayAsync());
            }
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(workingDirectory));
        var contentRoot = AppContentRoot.Find([], Path.GetDirectoryName(SiloProcess.DefaultAppDll)!)!;
        Assert.True(File.Exists(Path.Combine(contentRoot, "data", "mentiora.db")), $"the SQLite file should be in {Path.Combine(contentRoot, "data")}");
    }

    [Fact]
    public void PublishedOutputIsItsOwnContentRoot()
    {
        Folder("app", "wwwroot");

        Assert.Equal(Path.Combine(_folder, "app"), AppContentRoot.Find([], Folder("app")));
    }

    [Fact]
    public void ABuildOutputFindsItsProjectFolder()
    {
        Folder("repo", "Mentiora.Web", "wwwroot");
        File.WriteAllText(Path.Combine(_folder, "repo", "Mentiora.Web", "Mentiora.Web.csproj"), "<Project />");

        Assert.Equal(Path.Combine(_folder, "repo", "Mentiora.Web"), AppContentRoot.Find([], Folder("repo", "Mentiora.Web", "bin", "Release", "net10.0")));
        Assert.Equal(Path.Combine(_folder, "repo", "Mentiora.Web"), AppContentRoot.Find([], Folder("repo", "Mentiora.Tests", "bin", "Release", "net10.0")));
    }

    [Fact]
    public void WithoutWebFilesTheAppStopsWithOneLineSayingWhereItLookedAndHowToSetTheContentRoot()
    {
        var lonely = Folder("lonely", "bin");

        var failure = Assert.Throws<InvalidSettingException>(() => AppContentRoot.Find([], lonely));

        Assert.Contains(lonely, failure.Message);
        Assert.Contains("--contentRoot", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Theory]
    [InlineData("--contentRoot", "/srv/mentiora")]
    [InlineData("--contentRoot=/srv/mentiora")]
    public void AContentRootGivenOnTheCommandLineWins(params string[] args)
    {
        Assert.Null(AppContentRoot.Find(args, Folder("lonely")));
    }

    private string Folder(params string[] parts)
    {
        var path = Path.Combine([_folder, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }
}
