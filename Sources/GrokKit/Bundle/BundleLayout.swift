/// Where grok-bundle keeps a repository's bundle below the output
/// directory: `<gitdir without its .git suffix>/clone.bundle`, beside
/// `.fingerprint`, the repository's fingerprint when the bundle was made
/// (40 hex digits, no newline), which is the name and format grokmirror
/// 2.0.12 uses, so either tool sees the other's bundles as up to date.
///
/// Only a trailing `.git` goes: grokmirror removes every `.git` in the
/// path (`/pub/site.github.io.git` became `/pub/sitehub.io`), which
/// clients asking for `<repository URL>/clone.bundle` never find.
package struct BundleLayout: Sendable, Equatable {
    package static let bundleName = "clone.bundle"
    package static let fingerprintName = ".fingerprint"
    /// The lock file of a `git bundle create` writing `clone.bundle` itself,
    /// as grokmirror's runs do; one left by a killed run blocks every later
    /// one, so it is removed with our own temporaries.
    package static let gitLockName = "clone.bundle.lock"

    /// The repository (manifest key, with a leading `/`).
    package let gitdir: Gitdir
    /// The bundle directory relative to the output directory, with a
    /// leading `/` (`/pub/scm/git/git`); clean in `Gitdir.isClean`'s sense.
    package let directory: Gitdir

    /// Nil when the gitdir cannot name a directory inside the output
    /// directory: `..`, `.` or empty components, control characters, over
    /// the path limits, or nothing left once `.git` goes (`/pub/.git`).
    /// A key without its leading `/` is read as if it had one, as
    /// grokmirror does.
    package init?(gitdir key: Gitdir) {
        let gitdir = key.path.hasPrefix("/") ? key : Gitdir("/" + key.path)
        guard gitdir.isClean else { return nil }
        var path = gitdir.path
        if path.hasSuffix(".git") { path.removeLast(4) }
        let directory = Gitdir(path)
        guard directory.isClean else { return nil }
        self.gitdir = gitdir
        self.directory = directory
    }

    /// The bundle directory below `outdir` (no trailing `/`).
    package func directoryPath(in outdir: String) -> String { directory.fullpath(in: outdir) }
    package func bundlePath(in outdir: String) -> String { directoryPath(in: outdir) + "/" + Self.bundleName }
    package func fingerprintPath(in outdir: String) -> String { directoryPath(in: outdir) + "/" + Self.fingerprintName }
}
