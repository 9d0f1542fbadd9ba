/// What grok-pi-piper does with a repository, decided from plain values
/// (what `pi-piper.latest` holds, master's tip, how they relate) so every
/// case is tested without git.
package enum PiPiperPlan: Sendable, Equatable {
    /// No `pi-piper.latest` yet: record master's tip without piping
    /// anything (the archive's history is not mail to deliver), then
    /// re-shallow with `shallow = yes`.
    case setUp(tip: String)
    /// The recorded commit is gone, or master no longer descends from it:
    /// history was rewritten (public-inbox purges rewrite it). Like
    /// grokmirror, start over from the tip without piping.
    case startOver(tip: String)
    /// Master is where the recorded commit is: nothing to pipe.
    case upToDate
    /// Pipe master's commits after `since`, oldest first.
    case pipeSince(String)
    /// `-l N`: pipe master's last N commits, oldest first, whatever was
    /// recorded.
    case pipeLast(Int)
}

/// How the recorded commit relates to master's tip.
package enum PiPiperAncestry: Sendable, Equatable {
    case ancestor
    /// Present, but master does not descend from it. grokmirror lists
    /// `recorded..master` then, which pipes again every rewritten commit.
    case notAncestor
    /// Not in the repository at all.
    case missing
}

package enum PiPiperDecision {
    /// Whether `plan` needs the recorded commit's ancestry: only when
    /// there is one, `-l` was not given and master moved.
    package static func needsAncestry(recorded: String?, tip: String, pipeLast: Int?) -> Bool {
        guard let recorded, (pipeLast ?? 0) <= 0 else { return false }
        return recorded != tip
    }

    /// The plan for a repository whose master is at `tip`. `ancestry` is
    /// what `needsAncestry` asked for (nil when it did not).
    package static func plan(recorded: String?, tip: String, pipeLast: Int?, ancestry: PiPiperAncestry?) -> PiPiperPlan {
        guard let recorded else { return .setUp(tip: tip) }
        if let pipeLast, pipeLast > 0 { return .pipeLast(pipeLast) }
        if recorded == tip { return .upToDate }
        return ancestry == .ancestor ? .pipeSince(recorded) : .startOver(tip: tip)
    }
}

/// The progress of one run over the commits to pipe, oldest first. The
/// recorded commit moves to each message piped successfully (and is saved
/// before the next is piped); a commit without a message (a deletion) is
/// skipped without moving it, as grokmirror does; the first failure stops
/// the run there, so the next run starts with the message that failed.
package struct PipeProgress: Sendable, Equatable {
    /// How one commit went.
    package enum Outcome: Sendable, Equatable {
        case piped
        /// No `m` in the commit: public-inbox removed a message there.
        case noMessage
        /// The pipe failed; the tool exits with `exitCode`.
        case failed(exitCode: Int32)
    }

    /// The last commit piped successfully in this run.
    package private(set) var lastPiped: String?
    /// The exit code of the failure that stopped the run.
    package private(set) var failure: Int32?
    package private(set) var piped = 0
    package private(set) var skipped = 0

    package init() {}

    /// Records how `commit` went; false when the run must stop.
    package mutating func record(_ commit: String, _ outcome: Outcome) -> Bool {
        switch outcome {
        case .piped: lastPiped = commit; piped += 1; return true
        case .noMessage: skipped += 1; return true
        case .failed(let exitCode): failure = exitCode == 0 ? 1 : exitCode; return false
        }
    }

    /// The commit to re-shallow at once the run is over: the last one
    /// piped, only with `shallow = yes` and when nothing failed (the
    /// failed message must stay to be piped next time).
    package func reshallowAt(shallow: Bool) -> String? {
        shallow && failure == nil ? lastPiped : nil
    }

    /// 0, or the failing pipe's exit code (as grokmirror exits).
    package var exitCode: Int32 { failure ?? 0 }
}
