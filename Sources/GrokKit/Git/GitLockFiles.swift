import Glibc

/// The `.lock` files a git process leaves behind when it is killed before it
/// can clean up: `HEAD.lock`, `packed-refs.lock`, `config.lock`,
/// `refs/.../<name>.lock`. Every later git command that needs one of those
/// locks then fails ("Unable to create ... File exists"), so a mirror whose
/// fetch was stopped (SIGTERM escalated to SIGKILL, or a timeout) would
/// fail on every run until an admin removed them.
///
/// Only locks created since the stopped command started are removed: they
/// are that command's (callers hold the repository's grokmirror lock, so
/// no other tool of ours works there); older ones are left to whoever made
/// them.
enum GitLockFiles {
    /// Removes the `*.lock` files at the top of `gitDir` and anywhere under
    /// its `refs/` whose modification time is `since` (Unix seconds) or later.
    static func removeLeftBy(gitDir: String, since: Int) {
        removeLocks(in: gitDir, since: since, recursive: false)
        removeLocks(in: gitDir + "/refs", since: since, recursive: true)
    }

    private static func removeLocks(in directory: String, since: Int, recursive: Bool) {
        for name in FileSystem.listDirectory(directory) ?? [] {
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                if recursive { removeLocks(in: path, since: since, recursive: true) }
            } else if (info.st_mode & S_IFMT) == S_IFREG, name.hasSuffix(".lock"), info.st_mtim.tv_sec >= since {
                unlink(path)
            }
        }
    }
}
