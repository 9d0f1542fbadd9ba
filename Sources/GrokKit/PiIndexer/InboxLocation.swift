/// One mirrored public-inbox v2 inbox: the directory grok-pull put its
/// `git/N.git` epochs in, and the directory public-inbox keeps its
/// databases in (the same one unless `--pi-toplevel` moves them).
package struct InboxLocation: Sendable, Hashable, Comparable {
    /// The inbox directory under the mirror's toplevel (resolved).
    package let gitInboxdir: String
    /// The directory public-inbox-init and -index are pointed at.
    package let piInboxdir: String

    package init(gitInboxdir: String, piInboxdir: String) {
        self.gitInboxdir = gitInboxdir
        self.piInboxdir = piInboxdir
    }

    /// public-inbox's name for the inbox: the directory's basename, as
    /// grokmirror names it (lore's `/lists/linux-kernel` is `linux-kernel`).
    package var name: String { PathUtilities.basename(gitInboxdir) }
    /// Whether the databases live apart from the git trees.
    package var isSeparate: Bool { gitInboxdir != piInboxdir }
    /// public-inbox creates it on init: its presence means initialized.
    package var msgmap: String { piInboxdir + "/msgmap.sqlite3" }
    /// The Xapian and over.sqlite3 indexes `--force-reinit` drops.
    package var xapianDirectory: String { piInboxdir + "/xap15" }

    package static func < (lhs: InboxLocation, rhs: InboxLocation) -> Bool { lhs.gitInboxdir < rhs.gitInboxdir }
}

/// What one repository path (a hook's argument or stdin line) is.
package enum InboxPathDecision: Sendable, Equatable {
    /// An epoch (or, where allowed, the directory) of this inbox.
    case inbox(InboxLocation)
    /// A repository that is not a public-inbox epoch: nothing to do (a
    /// mirror carries other repositories, and its hooks see them all).
    case notAnInbox
    /// Resolves outside the toplevel: refused, never touched.
    case outsideToplevel
}

/// From repository paths to inboxes, without touching the disk: callers
/// resolve symlinks first (`PathUtilities.realpath`), so a link pointing
/// out of the toplevel is seen for what it is.
package enum InboxPaths {
    /// The inbox directory of an epoch path (`<inboxdir>/git/<digits>.git`,
    /// trailing slashes ignored), else nil. grokmirror's pattern was not
    /// anchored, so `/x/git/0.git/objects` counted as an epoch of `/x`.
    package static func inboxdir(ofEpoch path: String) -> String? {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[parts.count - 2] == "git" else { return nil }
        let last = parts[parts.count - 1]
        guard last.hasSuffix(".git") else { return nil }
        let number = last.dropLast(4)
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let inboxdir = parts.dropLast(2).joined(separator: "/")
        return inboxdir.isEmpty ? nil : inboxdir
    }

    /// Decides what `resolvedPath` is. `toplevel` and `piToplevel` are
    /// resolved too; with `acceptInboxdir` (the `init INBOXDIR` argument) a
    /// path that is not an epoch is taken as the inbox directory itself.
    package static func locate(_ resolvedPath: String, toplevel: String, piToplevel: String?, acceptInboxdir: Bool = false) -> InboxPathDecision {
        guard PathUtilities.isInside(resolvedPath, root: toplevel) else { return .outsideToplevel }
        guard let inboxdir = inboxdir(ofEpoch: resolvedPath) ?? (acceptInboxdir ? resolvedPath : nil) else { return .notAnInbox }
        guard PathUtilities.isInside(inboxdir, root: toplevel) else { return .outsideToplevel }
        guard let piToplevel else { return .inbox(InboxLocation(gitInboxdir: inboxdir, piInboxdir: inboxdir)) }
        let relative = PathUtilities.relative(inboxdir, to: toplevel)
        let piInboxdir = relative == "." ? piToplevel : PathUtilities.join(piToplevel, relative)
        return .inbox(InboxLocation(gitInboxdir: inboxdir, piInboxdir: piInboxdir))
    }
}
