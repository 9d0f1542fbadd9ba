/// What makes a directory a repository for grokmirror: `objects/` and
/// `refs/` directories and a `HEAD` file (symlinks followed), exactly the
/// test grokmirror applies, so both implementations see the same set.
public enum BareRepository {
    public static func isBare(_ path: String) -> Bool {
        FileSystem.isDirectory(path + "/objects") && FileSystem.isDirectory(path + "/refs") && FileSystem.isFile(path + "/HEAD")
    }

    /// An objstore repository carries this telltale file.
    public static func isObjectStore(_ path: String) -> Bool {
        FileSystem.exists(path + "/" + MarkerFile.objstore)
    }
}

/// The files grokmirror keeps inside repositories.
public enum MarkerFile {
    public static let fingerprint = "grokmirror.fingerprint"
    public static let timestamp = "grokmirror.timestamp"
    public static let roots = "grokmirror.roots"
    public static let reclone = "grokmirror.reclone"
    public static let doNotObjstore = "grokmirror.do-not-objstore"
    public static let repack = "grokmirror.repack"
    public static let fsckErrors = "grokmirror.fsck.err"
    public static let objstore = "grokmirror.objstore"
    public static let exportOK = "git-daemon-export-ok"
}
