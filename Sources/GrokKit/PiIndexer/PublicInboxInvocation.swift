/// One run of a public-inbox tool: which tool, with which arguments, for
/// which inbox (named in its errors). Built from the options alone, so the
/// command lines are tested without public-inbox.
package struct PublicInboxInvocation: Sendable, Equatable {
    package let tool: String
    package let arguments: [String]
    /// The inbox directory the run is about; nil for extindex --all.
    package let inboxdir: String?

    package init(tool: String, arguments: [String], inboxdir: String?) {
        self.tool = tool
        self.arguments = arguments
        self.inboxdir = inboxdir
    }

    /// `public-inbox-index --no-update-extindex [--jobs N] [--no-fsync] -- <dir>`:
    /// extindex is brought up to date by its own subcommand, once for all.
    package static func index(_ inbox: InboxLocation, options: PiIndexerOptions) -> PublicInboxInvocation {
        let arguments = ["--no-update-extindex"] + parallelism(options) + ["--", inbox.piInboxdir]
        return PublicInboxInvocation(tool: "public-inbox-index", arguments: arguments, inboxdir: inbox.piInboxdir)
    }

    /// `public-inbox-extindex -L <level> --all [--jobs N] [--no-fsync]`: the
    /// config's `extindex.all.topdir` over every configured inbox.
    package static func extindex(options: PiIndexerOptions) -> PublicInboxInvocation {
        PublicInboxInvocation(tool: "public-inbox-extindex", arguments: ["-L", options.indexLevel, "--all"] + parallelism(options), inboxdir: nil)
    }

    private static func parallelism(_ options: PiIndexerOptions) -> [String] {
        (options.jobs.map { ["--jobs", String($0)] } ?? []) + (options.noFsync ? ["--no-fsync"] : [])
    }
}
