using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>What the Members card says after adding or removing a member.</summary>
public static class MemberMessages
{
    /// <summary>The sentence for a change's outcome; null when there is nothing to show (no such project).</summary>
    public static string? For(MemberChangeOutcome outcome, string who, bool added) => outcome switch
    {
        MemberChangeOutcome.Done => added ? $"{who} was added to the project." : $"{who} was removed from the project.",
        MemberChangeOutcome.NotOwner => "Only the project's owner can change its members.",
        MemberChangeOutcome.NoSuchUser => $"There is no Mentiora account for '{who}'. Ask them to sign up first.",
        MemberChangeOutcome.Unchanged => added ? $"{who} is already a member." : $"{who} is not a member.",
        MemberChangeOutcome.IsOwner => "The owner cannot be removed from the project.",
        _ => null,
    };
}
