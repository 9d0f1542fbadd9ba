import Glibc

/// Whether git itself would open a bare directory as a repository, checked
/// from its files before grok-manifest publishes it: a directory that only
/// looks like one (`objects/`, `refs/`, a `HEAD` file) can still be refused
/// by git, and replicas must never be sent a `head` git would not accept.
///
/// The rules are git's `validate_headref` and repository format check
/// (setup.c): HEAD is a symlink into `refs/`, or `ref:` followed by a name
/// under `refs/`, or an object id; `core.repositoryformatversion` is 0 or 1.
/// On top of git, a symbolic HEAD must name a valid refname, since replicas
/// reject any other `head` (`RefName.isValidHead`).
package enum RepositoryValidity {
    /// Why git (or a replica) would refuse the repository at `path`, or nil
    /// when it is one. `path` must already pass `BareRepository.isBare`.
    package static func problem(in path: String) -> String? {
        let head = FileSystem.read(path + "/HEAD", limit: 4096).map { String(decoding: $0, as: UTF8.self).trimmingWhitespace() }
        return headProblem(path + "/HEAD", content: head) ?? GitConfigFile.read(gitDir: path).flatMap(formatProblem)
    }

    /// HEAD's problem, given its path and its stripped content (nil when
    /// it could not be read).
    package static func headProblem(_ head: String, content: String?) -> String? {
        if FileSystem.isSymlink(head) {
            guard let target = PathUtilities.readLink(head), target.hasPrefix("refs/"), RefName.isValid(target) else {
                return "HEAD is a symlink outside refs/"
            }
            return nil
        }
        guard let text = content else { return "HEAD cannot be read" }
        if text.hasPrefix("ref:") {
            let target = text.dropFirst(4).drop { $0 == " " || $0 == "\t" }
            guard target.hasPrefix("refs/"), RefName.isValid(String(target)) else {
                return "HEAD is not a symbolic ref to a valid name under refs/ (\(text.debugDescription))"
            }
            return nil
        }
        let hex = Array(text.utf8)
        guard Hex.isObjectID(hex) || Hex.isObjectID(hex, length: 64) else { return "HEAD is neither a symbolic ref nor an object id" }
        return nil
    }

    /// A repository format git does not read (`core.repositoryformatversion`
    /// above 1).
    package static func formatProblem(_ config: GitConfigFile) -> String? {
        guard case .some(.some(let version)) = config.lastValue("core.repositoryformatversion"),
              !["0", "1"].contains(version.trimmingWhitespace()) else { return nil }
        return "core.repositoryformatversion is \(version), which git does not read"
    }
}
