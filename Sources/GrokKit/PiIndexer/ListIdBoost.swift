/// public-inbox's `boost` for a mirrored inbox, from `--listid-priority`:
/// when extindex finds one message in several inboxes, the one with the
/// highest boost is shown, so lists matching the earlier patterns win.
package enum ListIdBoost {
    /// The comma-separated patterns, highest priority first; empty
    /// entries dropped.
    package static func patterns(_ priority: String) -> [Glob] {
        priority.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.map(Glob.init)
    }

    /// nil without patterns or List-Ids (no boost is configured). Of n
    /// patterns, the first gets 10 + n - 1, the last 10, as in grokmirror;
    /// a List-Id matching none gets 1. Several List-Ids take the best.
    /// (grokmirror tried the patterns from the last one, so a List-Id
    /// matching two got the lower boost.)
    package static func boost(for listids: [String], patterns: [Glob]) -> Int? {
        guard !patterns.isEmpty, !listids.isEmpty else { return nil }
        return listids.map { listid in
            guard let index = patterns.firstIndex(where: { $0.matches(listid) }) else { return 1 }
            return 10 + patterns.count - 1 - index
        }.max()
    }
}
