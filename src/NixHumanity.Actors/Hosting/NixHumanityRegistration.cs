namespace NixHumanity.Actors.Hosting;

/// <summary>
/// Marks a service collection where the NixHumanity services are registered, so
/// <see cref="NixHumanityHostingExtensions.WithNixHumanity(Akka.Hosting.AkkaConfigurationBuilder, IServiceProvider)"/> can tell
/// "not registered" from "registered with the defaults" (<c>IOptions&lt;T&gt;</c> resolves either way).
/// </summary>
/// <param name="SectionPath">The configuration path the options were bound from (for messages), or <c>NixHumanity</c>.</param>
internal sealed record NixHumanityRegistration(string SectionPath);
