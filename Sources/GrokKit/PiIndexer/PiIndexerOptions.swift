/// What grok-pi-indexer was asked to do, as parsed from its command line
/// (the options of grokmirror's development-branch `grok-pi-indexer`, plus
/// `--timeout`). Plain values: the run reads nothing else.
package struct PiIndexerOptions: Sendable, Equatable {
    /// `-c/--pi-config`: the public-inbox config file the tools read and
    /// public-inbox-init writes, handed to them as `PI_CONFIG`.
    package var piConfig: String
    /// `-t/--toplevel`: the grok-pull mirror's toplevel; every inbox handled
    /// must lie inside it.
    package var toplevel: String
    /// `-p/--pi-toplevel`: where the public-inbox databases go when they are
    /// kept apart from the mirrored git trees (same relative path as under
    /// `toplevel`, with a `git` symlink to the mirrored epochs); nil keeps
    /// them in the inbox directory itself.
    package var piToplevel: String?
    package var logFile: String?
    package var verbose = false
    /// `-L/--indexlevel`: full, medium or basic.
    package var indexLevel = "full"
    /// `-j/--jobs`, handed to public-inbox-index and -extindex.
    package var jobs: Int?
    /// `--no-fsync`, handed to public-inbox-index and -extindex.
    package var noFsync = false
    /// The longest any one public-inbox tool may run (not in grokmirror,
    /// whose tools could hang forever). grok-pull stops a hook after an hour.
    package var timeout: Duration = .seconds(6 * 3600)

    package static let indexLevels = ["full", "medium", "basic"]

    package init(piConfig: String, toplevel: String) {
        self.piConfig = piConfig
        self.toplevel = toplevel
    }
}

/// The `init` subcommand's own options, with grokmirror's defaults.
package struct PiInitOptions: Sendable, Equatable {
    /// `--local-toplevel`: URL prefix of the local mirror's web interface
    /// (empty: the inbox URL is just its name).
    package var localToplevel = ""
    /// `--origin-hostname`: where `<name>/_/text/config/raw` is asked for
    /// when the epochs carry no `refs/meta/origins:i` (empty: not asked).
    package var originHostname = "https://lore.kernel.org/"
    /// `--listid-priority`: comma-separated List-Id globs, highest boost first.
    package var listidPriority = "*.linux.dev,*.kernel.org"
    /// `--extra-cfgopts`: comma-separated inbox keys taken over from the
    /// origin's config besides address, newsgroup, description and listid.
    package var extraConfigOptions = "indexheader,replyto"
    /// `--force-reinit`: drop msgmap.sqlite3 and xap15 of the inbox named
    /// by `inboxdir`, then initialize and index it again.
    package var forceReinit = false
    /// The inbox directory (or one of its `git/N.git` epochs) given on the
    /// command line; nil reads repository paths from stdin (hook mode).
    package var inboxdir: String?

    package init() {}
}
