import Glibc

/// What makes a directory a repository for grokmirror: `objects/` and
/// `refs/` directories and a `HEAD` file (symlinks followed), exactly the
/// test grokmirror applies, so both implementations see the same set.
package enum BareRepository {
    package static func isBare(_ path: String) -> Bool {
        FileSystem.isDirectory(path + "/objects") && FileSystem.isDirectory(path + "/refs") && FileSystem.isFile(path + "/HEAD")
    }

    /// How every repository grokmirror creates starts (mirrors and objstore
    /// repositories alike): `init --bare`, no sample hooks, FETCH_HEAD a
    /// symlink to /dev/null.
    package static func initialize(_ path: String, git: GitRunner) async throws(GitCommandFailure) {
        _ = try await git.runOrFail(gitDir: path, ["init", "--bare", "--quiet"])
        for name in FileSystem.listDirectory(path + "/hooks") ?? [] where name.hasSuffix(".sample") {
            unlink(path + "/hooks/" + name)
        }
        unlink(path + "/FETCH_HEAD")
        symlink("/dev/null", path + "/FETCH_HEAD")
    }

    /// What `git init --bare` creates, and the FETCH_HEAD link grok-pull adds.
    static let initializationNames: Set<String> = ["HEAD", "config", "description", "hooks", "info", "objects", "refs", "branches", "FETCH_HEAD"]

    /// A directory left by an interrupted `git init`: not yet a bare repo,
    /// holding nothing but what git init creates. Running git init again
    /// completes it; anything else in the directory means it is not ours.
    package static func isUnfinishedInitialization(_ path: String) -> Bool {
        guard FileSystem.kind(path) == .directory, !isBare(path), let names = FileSystem.listDirectory(path) else { return false }
        return names.allSatisfy { initializationNames.contains($0) || $0.hasSuffix(".lock") }
    }

    /// `extensions.preciousObjects` from the repo's config file; a config we
    /// cannot parse counts as precious (never repack what we cannot judge).
    package static func isPrecious(_ path: String) -> Bool {
        guard FileSystem.exists(path + "/config") else { return false }
        guard let config = GitConfigFile.read(gitDir: path) else { return true }
        return config.bool("extensions.preciousobjects") ?? false
    }

    /// An objstore repository carries this telltale file.
    package static func isObjectStore(_ path: String) -> Bool {
        FileSystem.exists(path + "/" + MarkerFile.objstore)
    }
}

/// The files grokmirror keeps inside repositories.
package enum MarkerFile {
    package static let fingerprint = "grokmirror.fingerprint"
    package static let timestamp = "grokmirror.timestamp"
    package static let roots = "grokmirror.roots"
    package static let reclone = "grokmirror.reclone"
    package static let doNotObjstore = "grokmirror.do-not-objstore"
    package static let repack = "grokmirror.repack"
    package static let fsckErrors = "grokmirror.fsck.err"
    package static let objstore = "grokmirror.objstore"
    package static let exportOK = "git-daemon-export-ok"
}
