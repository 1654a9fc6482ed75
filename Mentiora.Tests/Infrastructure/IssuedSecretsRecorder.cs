using Mentiora.Grains.Projects;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Records into <see cref="IssuedSecrets"/> every key a grain hands out, whoever asked for it (a
/// test, a Razor page, a browser's form post), so no test has to remember to.
/// </summary>
public sealed class IssuedSecretsRecorder : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        var created = context.Result switch
        {
            CreateApiKeyResult result => result.Created,
            CreatedApiKey key => key,
            _ => null,
        };
        if (created is not null)
        {
            var issuedBy = $"{context.InterfaceName}.{context.MethodName} of {context.TargetId}";
            IssuedSecrets.Record(created.Key, SecretKind.ApiKey, issuedBy);
            IssuedSecrets.Record(created.SigningSecret, SecretKind.SigningSecret, issuedBy);
        }
    }
}
