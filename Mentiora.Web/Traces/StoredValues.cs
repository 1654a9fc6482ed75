using System.Data.Common;
using System.Globalization;

namespace Mentiora.Web.Traces;

/// <summary>
/// How the trace readers pass parameters and read values in both storage modes: PostgreSQL
/// answers uuid and timestamptz as Guid and DateTime, SQLite as text.
/// </summary>
public static class StoredValues
{
    /// <summary>Adds a named parameter to a command of either provider.</summary>
    public static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>A stored id as a Guid.</summary>
    public static Guid Uuid(object value) => value is Guid guid ? guid : Guid.Parse((string)value);

    /// <summary>A stored time as a UTC DateTimeOffset.</summary>
    public static DateTimeOffset Time(object value) => value switch
    {
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateTimeOffset time => time,
        _ => DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
    };
}
