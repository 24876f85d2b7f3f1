using Microsoft.Extensions.Options;

namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Runs <see cref="NixHumanityOptions.Validate"/> for <c>IOptions&lt;NixHumanityOptions&gt;</c> and names the failing
/// key as it is written in configuration (e.g. <c>NixHumanity:SnapshotInterval</c>).
/// </summary>
/// <param name="sectionPath">The configuration path the options come from.</param>
internal sealed class NixHumanityOptionsValidator(string sectionPath) : IValidateOptions<NixHumanityOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NixHumanityOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            // ArgumentException appends "(Parameter 'x')" to Message; the key already says which one.
            var rule = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal);
            return ValidateOptionsResult.Fail($"{KeyOf(ex.ParamName)}: {rule}");
        }
    }

    /// <summary>The configuration key of an option, e.g. <c>NixHumanity:Memory:AbstainBelow</c>.</summary>
    public string KeyOf(string? optionName) =>
        optionName is null ? sectionPath : $"{sectionPath}:{optionName.Replace('.', ':')}";
}
