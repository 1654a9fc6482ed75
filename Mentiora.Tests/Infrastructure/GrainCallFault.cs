namespace Mentiora.Tests.Infrastructure;

/// <summary>How <see cref="GrainCallFaults"/> breaks a call it is armed for.</summary>
public enum GrainCallFault
{
    /// <summary>The grain does its work but answers after the caller's response timeout, so Orleans logs the answer nobody waits for.</summary>
    AnswerLate,

    /// <summary>The grain does its work, then the call fails as when its silo goes away, with every argument and the answer in the message.</summary>
    FailLikeALostSilo,
}
