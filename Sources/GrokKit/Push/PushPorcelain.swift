/// `git push --porcelain` output, one `Update` per ref line:
/// `<flag>\t<from>:<to>\t<summary>`. The flag says what happened: ` `
/// fast-forward, `+` forced, `-` deleted, `*` new, `!` rejected, `=` up
/// to date. The `To <url>` and `Done` lines are skipped.
package struct PushPorcelain: Sendable, Equatable {
    package struct Update: Sendable, Equatable {
        package let flag: Character
        /// The local ref; empty for a deletion.
        package let source: String
        package let destination: String
        /// `[new branch]`, `abc..def`, `[rejected] (non-fast-forward)`, …
        package let summary: String

        package var isRejected: Bool { flag == "!" }
        package var isDeletion: Bool { flag == "-" }
        /// The destination had this ref before the push.
        package var existedAtDestination: Bool { flag != "*" && !(flag == "!" && summary.contains("[new")) }
        package var changedSomething: Bool { flag != "=" && flag != "!" }
    }

    package let updates: [Update]

    package init(parsing stdout: String) {
        var updates: [Update] = []
        for line in stdout.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0].count == 1, let flag = fields[0].first,
                  let colon = fields[1].firstIndex(of: ":") else { continue }
            updates.append(Update(flag: flag, source: String(fields[1][..<colon]), destination: String(fields[1][fields[1].index(after: colon)...]),
                                  summary: String(fields[2])))
        }
        self.updates = updates
    }

    package var rejected: [Update] { updates.filter(\.isRejected) }
    package var deletions: [Update] { updates.filter(\.isDeletion) }
    /// Refs the push created, updated or deleted.
    package var changed: Int { updates.filter(\.changedSomething).count }
}
