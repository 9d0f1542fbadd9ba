/// A repository's root commits, cached in `grokmirror.roots` (one per line,
/// no final newline, as grokmirror writes it) because listing them walks
/// the whole history.
package struct RootCommits: Sendable {
    let git: GitRunner

    package init(git: GitRunner) { self.git = git }

    /// nil when the repository has no commits or git fails. `refresh`
    /// recomputes the cache (an objstore repository that just took in a
    /// sibling).
    package func of(_ fullpath: String, refresh: Bool = false) async -> Set<String>? {
        let cache = fullpath + "/" + MarkerFile.roots
        if !refresh, let text = FileSystem.readString(cache) {
            let roots = Set(text.split(whereSeparator: \.isNewline).map(String.init))
            if !roots.isEmpty { return roots }
        }
        guard let result = try? await git.run(gitDir: fullpath, ["rev-list", "--max-parents=0", "--all"]),
              result.succeeded, !result.output.isEmpty else { return nil }
        AtomicFile.write(Array(result.output.utf8), to: cache)
        return Set(result.output.split(whereSeparator: \.isNewline).map(String.init))
    }
}
