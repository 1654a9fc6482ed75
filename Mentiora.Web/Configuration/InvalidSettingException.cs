namespace Mentiora.Web.Configuration;

/// <summary>A setting has a value the app cannot use; the message is one line meant for the operator.</summary>
public sealed class InvalidSettingException(string message) : Exception(message);
