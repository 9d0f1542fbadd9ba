/// The inboxes named by a run's repository paths (the hook's argument,
/// the lines grok-pull's post_clone_complete_hook writes to stdin, or
/// `init INBOXDIR`), and the paths refused on the way.
package struct InboxSelection: Sendable, Equatable {
    /// Each inbox once (several epochs name the same one), sorted.
    package var inboxes: [InboxLocation] = []
    /// Paths resolving outside the toplevel, as given: each one an error.
    package var refused: [String] = []
    /// Repositories that are not public-inbox epochs, as given.
    package var ignored: [String] = []

    package init() {}

    /// A path as given and as resolved (symlinks followed).
    package struct Path: Sendable, Equatable {
        package let given: String
        package let resolved: String
        package init(given: String, resolved: String) {
            self.given = given
            self.resolved = resolved
        }
    }

    /// Sorts `paths` out against the resolved toplevels; see `InboxPaths.locate`.
    package static func select(_ paths: [Path], toplevel: String, piToplevel: String?, acceptInboxdir: Bool = false) -> InboxSelection {
        var selection = InboxSelection()
        var seen = Set<InboxLocation>()
        for path in paths {
            switch InboxPaths.locate(path.resolved, toplevel: toplevel, piToplevel: piToplevel, acceptInboxdir: acceptInboxdir) {
            case .inbox(let inbox): if seen.insert(inbox).inserted { selection.inboxes.append(inbox) }
            case .notAnInbox: selection.ignored.append(path.given)
            case .outsideToplevel: selection.refused.append(path.given)
            }
        }
        selection.inboxes.sort()
        return selection
    }

    /// The non-empty lines of a hook's stdin (one repository path each).
    package static func lines(_ input: [UInt8]) -> [String] {
        input.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }.filter { !$0.isEmpty }
    }
}
