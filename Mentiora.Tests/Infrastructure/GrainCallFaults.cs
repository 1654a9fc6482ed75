using System.Collections.Concurrent;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A grain call filter that breaks the next call of a named method as <see cref="GrainCallFault"/>
/// says. Its failures spell out each argument and the answer, as the most talkative failure message
/// would: a secret that crosses the grain boundary unwrapped shows up in them.
/// </summary>
public sealed class GrainCallFaults : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, (GrainCallFault Fault, int Calls)> _armed = new(StringComparer.Ordinal);

    /// <summary>How long after the caller gave up a late answer comes: more than the response timeout, by this much.</summary>
    public TimeSpan LateBy { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Breaks the next <paramref name="calls"/> calls of <paramref name="methodName"/> (on any grain) as <paramref name="fault"/> says.</summary>
    public void Arm(string methodName, GrainCallFault fault, int calls = 1) => _armed[methodName] = (fault, calls);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!TryTake(context.MethodName, out var fault))
        {
            await context.Invoke();
            return;
        }

        await context.Invoke();
        if (fault == GrainCallFault.AnswerLate)
        {
            await Task.Delay(LateBy);
            return;
        }

        var arguments = Enumerable.Range(0, context.Request.GetArgumentCount()).Select(i => $"{context.Request.GetArgument(i)}");
        throw new SiloUnavailableException(
            $"The silo of {context.TargetId} went away during {context.InterfaceName}.{context.MethodName}({string.Join(", ", arguments)}), which had answered {context.Result}");
    }

    private bool TryTake(string methodName, out GrainCallFault fault)
    {
        while (_armed.TryGetValue(methodName, out var armed))
        {
            var left = armed with { Calls = armed.Calls - 1 };
            if (left.Calls == 0 ? _armed.TryRemove(new(methodName, armed)) : _armed.TryUpdate(methodName, left, armed))
            {
                fault = armed.Fault;
                return true;
            }
        }

        fault = default;
        return false;
    }
}
