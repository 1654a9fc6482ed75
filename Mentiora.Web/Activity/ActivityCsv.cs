using System.Text;
using Mentiora.Grains.Activity;
using Mentiora.Web.Pages.Projects;
using Mentiora.Web.Pages.Shared;

namespace Mentiora.Web.Activity;

/// <summary>Lines of the activity CSV (RFC 4180), safe to open in a spreadsheet.</summary>
public static class ActivityCsv
{
    public const string HeaderLine = "time,who,what,key_name,key_prefix,address\r\n";

    public static string Line(ActivityEntry entry) => string.Join(',',
        Field(RelativeTime.Iso(entry.At)),
        Field(ActivityMessages.Who(entry)),
        Field(ActivityMessages.What(entry)),
        Field(entry.KeyName),
        Field(entry.KeyPrefix),
        Field(entry.ClientAddress)) + "\r\n";

    /// <summary>One value, quoted when it must be, and with a leading apostrophe when a spreadsheet would run it as a formula.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        // A key name like =HYPERLINK(...) is typed by any member; opened in a spreadsheet it must stay text.
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.IndexOfAny([',', '"', '\r', '\n']) < 0)
        {
            return value;
        }

        var quoted = new StringBuilder(value.Length + 2).Append('"');
        quoted.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        return quoted.Append('"').ToString();
    }
}
