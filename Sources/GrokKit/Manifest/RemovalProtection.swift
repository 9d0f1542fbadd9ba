/// How much of a list a rewrite may drop in one run, judged before
/// anything is written (pure, so it is tested without disk).
///
/// Why: an unmounted filesystem, an empty mount point or a subtree that
/// cannot be read looks to a tree walk exactly like a mass deletion. Writing
/// that out empties the origin's manifest, and every replica then sees an
/// origin without repositories. Real deletions come a few at a time; a run
/// that would drop every entry, or more than `percent` of them (and more
/// than `slack`), stops and says how to override it.
package struct RemovalProtection: Sendable, Equatable {
    /// The share of the entries (0–100) a run may drop without an override.
    package var percent: Int
    /// Up to this many entries may always go, so small collections can
    /// still lose a repository or two (unless that is all of them).
    package var slack: Int

    /// grok-manifest's and grok-fsck's protection: 20 %, with 3 entries slack.
    package static let standard = RemovalProtection(percent: 20, slack: 3)

    package init(percent: Int, slack: Int) {
        self.percent = percent
        self.slack = slack
    }

    /// Why dropping `removing` of `total` entries is refused, or nil when
    /// it may go ahead.
    package func refusal(removing: Int, of total: Int) -> String? {
        guard removing > 0, total > 0 else { return nil }
        if removing >= total { return "it would remove all \(total) entries" }
        if removing > slack && removing * 100 > percent * total {
            return "it would remove \(removing) of \(total) entries, more than \(percent)%"
        }
        return nil
    }
}
