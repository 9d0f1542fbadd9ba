import Glibc

/// An object storage repository, `<objstore>/<forkgroup>.git`: it holds the
/// objects of related repositories (its siblings), each fetched in as a
/// remote named by its virtref into `refs/virtual/<virtref>/`, so that the
/// siblings can borrow every object through alternates and the objstore is
/// repacked once with delta islands per sibling.
package struct ObjectStoreRepository: Sendable {
    package let path: String
    let git: GitRunner

    package struct Failure: Error, CustomStringConvertible {
        package let message: String
        package var description: String { message }
    }

    /// The first lines of the telltale file, exactly as grokmirror writes them.
    package static let telltalePreamble = """
        # WARNING: This is a grokmirror object storage repository.
        # Deleting or moving it will cause corruption in the following repositories
        # (caution, this list may be incomplete):

        """

    package init(path: String, git: GitRunner) {
        self.path = path
        self.git = git
    }

    package var forkgroup: String { String(PathUtilities.basename(path).dropLast(4)) }

    /// Creates `<directory>/<name>.git` (a random UUID name when nil) with
    /// the objstore configuration and the telltale file. The telltale is
    /// written last: a crash before it leaves a repository nothing borrows
    /// from and nothing mistakes for an objstore.
    package static func create(in directory: String, name: String? = nil, git: GitRunner) async throws(Failure) -> ObjectStoreRepository {
        let name = name ?? UUID4.random()
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else { throw Failure(message: "invalid objstore name \(name)") }
        guard FileSystem.isDirectory(directory) || mkdir(directory, 0o777) == 0 || errno == EEXIST else {
            throw Failure(message: "cannot create \(directory): \(FileSystem.errorDescription())")
        }
        let repository = ObjectStoreRepository(path: PathUtilities.realpath(directory) + "/" + name + ".git", git: git)
        do { try await BareRepository.initialize(repository.path, git: git) } catch { throw Failure(message: error.message) }
        for (key, value) in [("gc.auto", "0"), ("core.repositoryformatversion", "1"), ("extensions.preciousObjects", "true"),
                             ("pack.compression", "9"), ("repack.useDeltaIslands", "true"), ("repack.writeBitmaps", "true")] {
            try await repository.gitOrFail(["config", key, value])
        }
        try await repository.gitOrFail(["config", "--add", "pack.island", "refs/virtual/([0-9a-f]+)/"])
        try repository.writeTelltale(siblings: [])
        return repository
    }

    /// Siblings registered as remotes: virtref → the sibling's fullpath.
    package var siblings: [(virtref: String, fullpath: String)] {
        (GitConfigFile.read(gitDir: path)?.remotes ?? []).map { ($0.name, $0.url) }
    }

    /// Registers `fullpath` as a sibling (remote, refspec, telltale line);
    /// false when it already was.
    @discardableResult
    package func addSibling(_ fullpath: String) async throws(Failure) -> Bool {
        let virtref = Virtref.of(fullpath)
        if siblings.contains(where: { $0.virtref == virtref }) { return false }
        try await gitOrFail(["remote", "add", "--no-tags", "--", virtref, fullpath])
        try await gitOrFail(["config", "--replace-all", "remote.\(virtref).fetch", "+refs/*:refs/virtual/\(virtref)/*"])
        try recordInTelltale(fullpath, droppingMissing: true)
        return true
    }

    /// Forgets a sibling: its virtual refs (prune drops the objects later),
    /// its remote and its fingerprint file.
    package func removeSibling(virtref: String) async throws(Failure) {
        try await trim(virtref: virtref)
        try await gitOrFail(["remote", "remove", "--", virtref])
        unlink(fingerprintFile(virtref: virtref))
    }

    /// Deletes every `refs/virtual/<virtref>/` ref in one transaction.
    package func trim(virtref: String) async throws(Failure) {
        let listing = try await gitOrFail(["for-each-ref", "--format=delete %(refname)", "refs/virtual/\(virtref)/"])
        guard !listing.output.isEmpty else { return }
        try await gitOrFail(["update-ref", "--stdin"], input: Array((listing.output + "\n").utf8))
    }

    /// The virtrefs that own refs here (to find stale ones).
    package func virtrefsWithRefs() async throws(Failure) -> Set<String> {
        let listing = try await gitOrFail(["for-each-ref", "--format=%(refname)", "refs/virtual/"])
        return Set(listing.output.split(whereSeparator: \.isNewline).compactMap { Virtref.owning(ref: String($0)) })
    }

    /// The sibling's fingerprint when its objects were last fetched in.
    package func fingerprintFile(virtref: String) -> String { path + "/grokmirror.\(virtref).fingerprint" }

    /// Whether the sibling changed since it was last fetched in.
    package func needsFetch(_ fullpath: String) -> Bool {
        let recorded = FileSystem.readString(fingerprintFile(virtref: Virtref.of(fullpath)))?.trimmingWhitespace()
        let current = FileSystem.readString(fullpath + "/" + MarkerFile.fingerprint)?.trimmingWhitespace()
        return recorded == nil || recorded != current
    }

    /// Brings a registered sibling's objects and refs in, with `git fetch`
    /// or, with `plumbing`, by hardlinking its object files and mirroring
    /// its refs in one `update-ref --stdin`. Records the sibling's
    /// fingerprint on success.
    package func fetch(_ fullpath: String, plumbing: Bool = false) async throws(Failure) {
        let virtref = Virtref.of(fullpath)
        guard siblings.contains(where: { $0.virtref == virtref }) else {
            throw Failure(message: "\(fullpath) is not a sibling of \(path)")
        }
        if plumbing {
            try await ObjectStorePlumbing(objectStore: self).fetch(fullpath, virtref: virtref)
        } else {
            // Kept as a pack even when small: the sibling's quick repack
            // then drops its loose copies (prune-packed looks at packs only).
            try await gitOrFail(["-c", "fetch.unpackLimit=1", "fetch", "--prune", "--", virtref])
        }
        if let fingerprint = FileSystem.read(fullpath + "/" + MarkerFile.fingerprint) {
            AtomicFile.write(fingerprint, to: fingerprintFile(virtref: virtref))
        }
    }

    /// `fetch` as the tools use it: plumbing when asked, and `git fetch`
    /// when plumbing fails, as grokmirror falls back.
    package func bringIn(_ fullpath: String, plumbing: Bool) async throws(Failure) {
        if plumbing, (try? await fetch(fullpath, plumbing: true)) != nil { return }
        try await fetch(fullpath)
    }

    /// The sibling fullpaths the telltale file lists.
    package func telltaleSiblings() -> [String] {
        (FileSystem.readString(path + "/" + MarkerFile.objstore) ?? "").split(whereSeparator: \.isNewline)
            .map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Adds `fullpath` to the telltale (byte-exact, in byte order), and with
    /// `droppingMissing` leaves out listed paths that are no directory.
    package func recordInTelltale(_ fullpath: String, droppingMissing: Bool = false) throws(Failure) {
        let listed = droppingMissing ? telltaleSiblings().filter(FileSystem.isDirectory) : telltaleSiblings()
        try writeTelltale(siblings: Set(listed.map(ExactKey.init)).union([ExactKey(fullpath)]).sorted().map(\.string))
    }

    /// Writes the telltale naming `siblings` (in the order given).
    package func writeTelltale(siblings: [String]) throws(Failure) {
        let text = Self.telltalePreamble + siblings.map { $0 + "\n" }.joined()
        guard AtomicFile.write(Array(text.utf8), to: path + "/" + MarkerFile.objstore) else {
            throw Failure(message: "cannot write \(path)/\(MarkerFile.objstore): \(FileSystem.errorDescription())")
        }
    }

    @discardableResult
    func gitOrFail(_ arguments: [String], input: [UInt8]? = nil) async throws(Failure) -> CommandResult {
        do { return try await git.runOrFail(gitDir: path, arguments, input: input, timeout: nil) } catch { throw Failure(message: error.message) }
    }
}
