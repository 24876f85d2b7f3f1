using NixHumanity.Actors.Session;

namespace NixHumanity.Cli.Demo;

/// <summary>One scripted step of a persona's day: an interaction or a notification, at an offset from the day's start.</summary>
internal abstract record DemoStep(TimeSpan Offset);

/// <summary>The person asked for something.</summary>
internal sealed record SaysStep(
    TimeSpan Offset,
    string Text,
    string Command,
    string CommandType,
    InteractionOutcome Outcome,
    double? Hrv = null,
    double? Attention = null) : DemoStep(Offset);

/// <summary>Something wants the person's attention.</summary>
internal sealed record NotifiedStep(TimeSpan Offset, string Source) : DemoStep(Offset);

/// <summary>A persona and their scripted day.</summary>
internal sealed record Persona(string UserId, string Name, string Portrait, string SessionId, IReadOnlyList<DemoStep> Steps);

/// <summary>
/// A search of the persona's semantic memory shown after their day; with <paramref name="AsOfAfterStep"/> it also
/// reads the memory as it was right after that step (time travel).
/// </summary>
internal sealed record DemoSearch(string Query, int? AsOfAfterStep = null);

/// <summary>The three people the design serves, each with a short, realistic day.</summary>
internal static class PersonaScript
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static TimeSpan M(double minutes) => TimeSpan.FromMinutes(minutes);

    /// <summary>Memory searches shown after a persona's day, by user id.</summary>
    public static IReadOnlyDictionary<string, DemoSearch> Searches { get; } = new Dictionary<string, DemoSearch>
    {
        // A loosely phrased voice request, as Grandma Rose would say it the next day.
        ["grandma-rose"] = new("um can i get the fire fox thing"),
        // Dr. Sarah audits what her memory knew right after her first question of the day.
        ["dr-sarah"] = new("jupyter for my data analysis", AsOfAfterStep: 0),
    };

    public static IReadOnlyList<Persona> All { get; } =
    [
        new("grandma-rose", "Grandma Rose", "voice-first, unhurried; loose spoken phrasing", "rose-morning",
        [
            new SaysStep(M(0), "um I would like the fire fox browser please", "nix-env -iA nixpkgs.firefox", "install", InteractionOutcome.Success),
            new SaysStep(M(3), "can you make the words on my screen bigger", "gsettings set org.gnome.desktop.interface text-scaling-factor 1.25", "configure", InteractionOutcome.Success),
            new NotifiedStep(M(4), "system-update"),
            new SaysStep(M(7), "how do i update my computer", "sudo nixos-rebuild switch --upgrade", "update", InteractionOutcome.Success),
            new SaysStep(M(11), "the sound is not working", "systemctl --user restart pipewire", "troubleshoot", InteractionOutcome.Failure),
            new SaysStep(M(14), "please fix my speakers again", "systemctl --user restart wireplumber", "troubleshoot", InteractionOutcome.Success),
        ]),
        new("maya", "Maya", "ADHD, speed-critical; rapid commands, flow must be protected", "maya-sprint",
        [
            new SaysStep(S(0), "install ripgrep", "nix-env -iA nixpkgs.ripgrep", "install", InteractionOutcome.Success, 0.80, 0.90),
            new SaysStep(S(6), "rg TODO in src", "rg TODO src/", "search", InteractionOutcome.Success, 0.82, 0.90),
            new SaysStep(S(12), "add fd too", "nix-env -iA nixpkgs.fd", "install", InteractionOutcome.Success, 0.84, 0.92),
            new SaysStep(S(18), "open a nix shell with nodejs", "nix-shell -p nodejs_20", "develop", InteractionOutcome.Success, 0.86, 0.93),
            new SaysStep(S(24), "run the tests", "npm test", "develop", InteractionOutcome.Success, 0.87, 0.94),
            new NotifiedStep(S(27), "chat-message"),
            new SaysStep(S(30), "format everything", "nix fmt", "develop", InteractionOutcome.Success, 0.88, 0.95),
            new NotifiedStep(S(33), "email"),
            new SaysStep(S(36), "rebuild with my new config", "sudo nixos-rebuild switch", "update", InteractionOutcome.Success, 0.88, 0.95),
            new SaysStep(M(4), "why does the build fail now", "nix log /nix/store/…-maya-env.drv", "troubleshoot", InteractionOutcome.Failure, 0.55, 0.50),
            new SaysStep(M(6.5), "roll back please", "sudo nixos-rebuild switch --rollback", "update", InteractionOutcome.Failure, 0.30, 0.30),
            new NotifiedStep(M(7), "calendar"),
            new SaysStep(M(9), "show me what i missed", "nixh status", "query", InteractionOutcome.Success, 0.50, 0.60),
        ]),
        new("dr-sarah", "Dr. Sarah", "researcher; wants SQL over her history, audit trail, time travel", "sarah-analysis",
        [
            new SaysStep(M(0), "which python packages do I have", "nix-env -q | grep python", "query", InteractionOutcome.Success),
            new SaysStep(M(1), "install jupyter with numpy and pandas", "nix-shell -p 'python3.withPackages (p: [p.jupyter p.numpy p.pandas])'", "develop", InteractionOutcome.Success),
            new SaysStep(M(2), "what changed since the last generation", "nix profile diff-closures", "query", InteractionOutcome.Success),
            new NotifiedStep(M(2.5), "backup-finished"),
            new SaysStep(M(4), "pin nixpkgs for my paper's environment", "nix flake lock --update-input nixpkgs", "configure", InteractionOutcome.Success),
            new SaysStep(M(6), "garbage collect old generations", "nix-collect-garbage --delete-older-than 30d", "maintain", InteractionOutcome.Success),
        ]),
    ];
}
