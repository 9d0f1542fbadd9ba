/// grok-bundle's command line, as grokmirror 2.0.12 takes it.
package struct BundleOptions: Sendable {
    package var configPath: String
    /// Where bundles go (`-o`); created when missing.
    package var outdir: String
    /// Global git options before `bundle` (`-g`, split on whitespace as
    /// Python's `str.split()` does). Empty is allowed: git with no extra
    /// options (the reference crashes on it).
    package var gitArguments: [String] = ShellWords.whitespaceSplit(BundleOptions.defaultGitArguments)
    /// What `git bundle create` bundles (`-r`, split the same way). Empty
    /// would ask git for an empty bundle, which it refuses, so it means the
    /// default instead (the reference crashes on it).
    package var revListArguments: [String] = ShellWords.whitespaceSplit(BundleOptions.defaultRevListArguments)
    /// Repositories whose objects, borrowed ones included, take more than
    /// this many GiB are not bundled (`-s`).
    package var maximumSizeGiB = 2
    /// Gitdir globs (`-i`); a repository matching none is left alone.
    package var include: [Glob] = [Glob("*")]
    package var verbose = false

    package static let defaultGitArguments = "-c core.compression=9"
    package static let defaultRevListArguments = "--branches HEAD"

    package init(configPath: String, outdir: String) {
        self.configPath = configPath
        self.outdir = outdir
    }

    /// `-g` text as the tool receives it.
    package mutating func setGitArguments(_ text: String) {
        gitArguments = ShellWords.whitespaceSplit(text)
    }

    /// `-r` text as the tool receives it; blank means the default.
    package mutating func setRevListArguments(_ text: String) {
        let words = ShellWords.whitespaceSplit(text)
        revListArguments = words.isEmpty ? ShellWords.whitespaceSplit(Self.defaultRevListArguments) : words
    }
}
