namespace Mentiora.Web.Storage;

/// <summary>The configured database cannot be used; the message is one line meant for the operator.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
