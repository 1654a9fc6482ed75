using Mentiora.Grains.Accounts;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Records into <see cref="IssuedSecrets"/> every key a grain hands out and every password an
/// account signs up with, whoever asked (a test, a Razor page, a browser's form post), so no test
/// has to remember to.
/// </summary>
public sealed class IssuedSecretsRecorder : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var issuedBy = $"{context.InterfaceName}.{context.MethodName} of {context.TargetId}";
        if (context.MethodName == nameof(IUserGrain.SignUp) && context.Request.GetArgumentCount() == 2 && context.Request.GetArgument(1) is SecretText password)
        {
            RecordPassword(password.Reveal(), issuedBy);
        }

        try
        {
            await context.Invoke();
        }
        finally
        {
            // Also when a later filter fails the call after the grain answered: the key exists, and
            // the failure's message is exactly where it must not show up.
            var created = context.Result switch
            {
                CreateApiKeyResult result => result.Created,
                CreatedApiKey key => key,
                _ => null,
            };
            if (created is not null)
            {
                IssuedSecrets.Record(created.Key.Reveal(), SecretKind.ApiKey, issuedBy);
                IssuedSecrets.Record(created.SigningSecret.Reveal(), SecretKind.SigningSecret, issuedBy);
            }

            // A roll hands out a new key only: the signing secret it keeps was recorded when the key was created.
            if (context.Result is RollApiKeyResult { NewKey: { } rolledKey })
            {
                IssuedSecrets.Record(rolledKey.Reveal(), SecretKind.ApiKey, issuedBy);
            }

            if (context.Result is SigningSecretRoll { SigningSecret: { } rolledSecret })
            {
                IssuedSecrets.Record(rolledSecret.Reveal(), SecretKind.SigningSecret, issuedBy);
            }
        }
    }

    /// <summary>Records a password an account was or is being created with; one too short to be accepted is no account's password.</summary>
    public static void RecordPassword(string password, string issuedBy)
    {
        if (password.Length >= UserGrain.MinPasswordLength)
        {
            IssuedSecrets.Record(password, SecretKind.Password, issuedBy);
        }
    }
}
