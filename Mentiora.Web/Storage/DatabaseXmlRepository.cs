using System.Data.Common;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Mentiora.Web.Storage;

/// <summary>
/// Keeps the Data Protection key ring in the database, so a cookie, an antiforgery token or a
/// signing secret protected by one silo can be read by every other silo and after a restart.
/// </summary>
public sealed class DatabaseXmlRepository(DbDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // Data Protection calls this synchronously while it refreshes its cache (rarely, and off the request path).
        using var connection = dataSource.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT xml FROM data_protection_keys ORDER BY id";
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = dataSource.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@friendlyName, @xml)";
        var name = command.CreateParameter();
        name.ParameterName = "friendlyName";
        name.Value = friendlyName;
        command.Parameters.Add(name);
        var xml = command.CreateParameter();
        xml.ParameterName = "xml";
        xml.Value = element.ToString(SaveOptions.DisableFormatting);
        command.Parameters.Add(xml);
        command.ExecuteNonQuery();
    }
}
