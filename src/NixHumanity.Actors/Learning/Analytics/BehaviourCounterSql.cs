namespace NixHumanity.Actors.Learning.Analytics;

/// <summary>
/// The SQL that turns the interactions after a watermark (<c>$from</c>), up to <c>$to</c>, into behaviour counters: one row whose
/// column names are the counter names <see cref="BehaviourFeatures"/> computes features from, plus
/// <c>first_seq</c> / <c>last_seq</c> of the interactions counted.
/// </summary>
internal static class BehaviourCounterSql
{
    /// <summary>
    /// One aggregate over the interactions after the fold watermark. Categories and install methods are recognised
    /// from the command text (the command_type column wins when the caller supplied a known category).
    /// </summary>
    public const string Sql = """
        WITH src AS (
            SELECT seq, timestamp, outcome, flow_score, hrv_coherence,
                   lower(text) AS said,
                   lower(COALESCE(command, '')) AS cmd,
                   lower(COALESCE(command_type, '')) AS ctype,
                   length(text) AS chars,
                   len(regexp_split_to_array(trim(text), '\s+')) AS words
            FROM interactions
            WHERE seq > $from AND seq <= $to),
        classified AS (
            SELECT *,
                CASE
                    WHEN cmd = '' THEN NULL
                    WHEN cmd LIKE '%home-manager%' OR cmd LIKE '%home.packages%' THEN 'home_manager'
                    WHEN cmd LIKE '%configuration.nix%' OR cmd LIKE '%environment.systempackages%' OR cmd LIKE '%nixos-rebuild%' THEN 'declarative'
                    WHEN cmd LIKE '%nix profile install%' OR cmd LIKE '%nix profile add%' THEN 'nix_profile'
                    WHEN cmd LIKE '%nix-env -i%' OR cmd LIKE '%nix-env --install%' THEN 'nix_env'
                    WHEN cmd LIKE '%nix-shell%' OR cmd LIKE '%nix shell%' OR cmd LIKE '%nix run%' OR cmd LIKE '%nix develop%' THEN 'shell'
                END AS method,
                CASE
                    WHEN ctype IN ('install', 'remove', 'search', 'update', 'rebuild', 'develop', 'git', 'garbage') THEN ctype
                    WHEN cmd = '' THEN 'other'
                    WHEN regexp_matches(cmd, 'nix-env (-e|--uninstall)|nix profile remove') THEN 'remove'
                    WHEN regexp_matches(cmd, 'nix-env (-i|--install)|nix profile (install|add)|systempackages|home\.packages') THEN 'install'
                    WHEN regexp_matches(cmd, 'nix search|nix-env -qa|nix-locate') THEN 'search'
                    WHEN regexp_matches(cmd, 'nix-channel --update|nix flake update|nix-env (-u|--upgrade)|--upgrade') THEN 'update'
                    WHEN regexp_matches(cmd, 'nixos-rebuild|home-manager switch|darwin-rebuild') THEN 'rebuild'
                    WHEN regexp_matches(cmd, 'nix develop|nix-shell|nix shell|direnv') THEN 'develop'
                    WHEN regexp_matches(cmd, '^git ') THEN 'git'
                    WHEN regexp_matches(cmd, 'nix-collect-garbage|nix store gc|nix-store --gc') THEN 'garbage'
                    ELSE 'other'
                END AS category
            FROM src)
        SELECT
            COUNT(*)::DOUBLE AS interactions,
            COALESCE(MIN(seq), 0)::DOUBLE AS first_seq,
            COALESCE(MAX(seq), 0)::DOUBLE AS last_seq,
            COUNT(*) FILTER (WHERE outcome = 'success')::DOUBLE AS successes,
            COUNT(*) FILTER (WHERE outcome IN ('success', 'failure'))::DOUBLE AS outcomes,
            COUNT(*) FILTER (WHERE flow_score > 0.7)::DOUBLE AS in_flow,
            COALESCE(SUM(flow_score), 0)::DOUBLE AS flow_score_sum,
            COALESCE(SUM(chars), 0)::DOUBLE AS chars,
            COALESCE(SUM(words), 0)::DOUBLE AS words,
            COUNT(*) FILTER (WHERE regexp_matches(said, '^\s*(please|can you|could you|would you|will you|i want|i need|i''d like|i would like|hey|um|uh|how do i|help me|show me|what|why|where)\b')
                              OR regexp_matches(said, '\b(um|uh|you know|kind of|sort of|thing)\b'))::DOUBLE AS voice_like,
            COUNT(*) FILTER (WHERE words <= 3)::DOUBLE AS terse,
            COUNT(*) FILTER (WHERE method = 'nix_env')::DOUBLE AS method_nix_env,
            COUNT(*) FILTER (WHERE method = 'nix_profile')::DOUBLE AS method_nix_profile,
            COUNT(*) FILTER (WHERE method = 'declarative')::DOUBLE AS method_declarative,
            COUNT(*) FILTER (WHERE method = 'home_manager')::DOUBLE AS method_home_manager,
            COUNT(*) FILTER (WHERE method = 'shell')::DOUBLE AS method_shell,
            COUNT(*) FILTER (WHERE hour(timestamp) < 6)::DOUBLE AS hour_night,
            COUNT(*) FILTER (WHERE hour(timestamp) >= 6 AND hour(timestamp) < 12)::DOUBLE AS hour_morning,
            COUNT(*) FILTER (WHERE hour(timestamp) >= 12 AND hour(timestamp) < 18)::DOUBLE AS hour_afternoon,
            COUNT(*) FILTER (WHERE hour(timestamp) >= 18)::DOUBLE AS hour_evening,
            COUNT(*) FILTER (WHERE isodow(timestamp) >= 6)::DOUBLE AS weekend,
            COUNT(*) FILTER (WHERE category = 'install')::DOUBLE AS category_install,
            COUNT(*) FILTER (WHERE category = 'remove')::DOUBLE AS category_remove,
            COUNT(*) FILTER (WHERE category = 'search')::DOUBLE AS category_search,
            COUNT(*) FILTER (WHERE category = 'update')::DOUBLE AS category_update,
            COUNT(*) FILTER (WHERE category = 'rebuild')::DOUBLE AS category_rebuild,
            COUNT(*) FILTER (WHERE category = 'develop')::DOUBLE AS category_develop,
            COUNT(*) FILTER (WHERE category = 'git')::DOUBLE AS category_git,
            COUNT(*) FILTER (WHERE category = 'garbage')::DOUBLE AS category_garbage,
            COUNT(*) FILTER (WHERE category = 'other')::DOUBLE AS category_other,
            COUNT(hrv_coherence)::DOUBLE AS hrv_samples,
            COALESCE(SUM(hrv_coherence), 0)::DOUBLE AS hrv_sum
        FROM classified
        """;
}
