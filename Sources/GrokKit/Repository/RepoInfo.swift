/// What the manifest records about one repository, as read from disk.
package struct RepoInfo: Sendable, Equatable {
    package var fingerprint: String
    package var modified: Int
    package var head: String?
    package var description: String?
    package var owner: String?
    package var forkgroup: String?
    /// The realpath of the repository it borrows objects from, if any.
    package var borrowed: String?
}

/// Reads `RepoInfo` with as few git processes as possible: fingerprint,
/// head, description, alternates and (usually) owner come from files; only
/// `modified` of a repository whose refs changed needs `git for-each-ref`.
package struct RepoInfoReader: Sendable {
    package let git: GitRunner
    /// `gitweb.owner` from the system and global git config, read once per
    /// run: a repository's own config overrides it.
    package let inheritedOwner: String?

    package init(git: GitRunner, inheritedOwner: String?) {
        self.git = git
        self.inheritedOwner = inheritedOwner
    }

    /// Reads the owner git would report outside of any repository.
    package static func loadInheritedOwner(git: GitRunner) async -> String? {
        guard let result = try? await git.run(gitDir: "/nonexistent/grokmirror-no-repository", ["config", "-z", "--get-regexp", "gitweb\\..*"]),
              result.succeeded else { return nil }
        return ownerFromGitConfigListing(result.stdout)
    }

    /// Parses `git config -z --get-regexp` output as grokmirror does: the
    /// last key whose final component is `owner` wins.
    static func ownerFromGitConfigListing(_ output: [UInt8]) -> String? {
        var owner: String? = nil
        for record in output.split(separator: 0) {
            guard let newline = record.firstIndex(of: 0x0A) else { continue }
            let key = String(decoding: record[..<newline], as: UTF8.self)
            if key.split(separator: ".").last?.lowercased() == "owner" {
                owner = String(decoding: record[(newline + 1)...], as: UTF8.self)
            }
        }
        return owner
    }

    /// What the previous manifest entry tells us, to skip work when the
    /// repository's refs are unchanged.
    package struct Previous: Sendable {
        package let fingerprint: String?
        package let modified: Int?
        package init(fingerprint: String?, modified: Int?) {
            self.fingerprint = fingerprint
            self.modified = modified
        }
    }

    /// What reading one repository found.
    package enum Outcome: Sendable, Equatable {
        /// What the manifest records, and the fingerprint with its stamp
        /// to remember (see `FingerprintStampCache`).
        case info(RepoInfo, StampedFingerprint?)
        /// No fingerprint: no refs, or refs git refuses to list.
        case noRefs
        /// Git would not open it as a repository (see `RepositoryValidity`).
        case notARepository(String)
    }

    /// `known` is the fingerprint a previous run stamped, if any.
    package func read(fullpath: String, ignoreRefs: [Glob], useNow: Bool, previous: Previous?, now: Int,
                     known: StampedFingerprint? = nil) async throws(GitError) -> Outcome {
        let head = Self.head(of: fullpath)
        if let problem = RepositoryValidity.headProblem(fullpath + "/HEAD", content: head) { return .notARepository(problem) }
        let configBytes = FileSystem.read(fullpath + "/config", limit: 1 << 22)
        let config = configBytes.flatMap(GitConfigFile.init)
        if let problem = config.flatMap(RepositoryValidity.formatProblem) { return .notARepository(problem) }
        let (fingerprint, _, stamped) = try await FingerprintReader(git: git).fingerprint(gitDir: fullpath, ignoring: ignoreRefs, known: known, now: now)
        guard let value = fingerprint.value else { return .noRefs }
        recordFingerprint(value, in: fullpath)
        let modified: Int
        if useNow {
            modified = now
        } else if let previous, previous.fingerprint == value, !fingerprint.ignoredAnyRef, let known = previous.modified {
            // The same refs point at the same commits: for-each-ref would say the same.
            modified = known
        } else {
            modified = try await newestCommitTime(fullpath: fullpath) ?? now
        }
        let borrowed = Alternates.borrowedRepository(of: fullpath)
        return .info(RepoInfo(
            fingerprint: value,
            modified: modified,
            head: head,
            description: Self.description(of: fullpath),
            owner: try await owner(of: fullpath, configBytes: configBytes, config: config),
            forkgroup: Alternates.forkgroup(ofBorrowed: borrowed),
            borrowed: borrowed
        ), stamped)
    }

    /// Keeps `grokmirror.fingerprint` current, rewriting it only on change.
    private func recordFingerprint(_ value: String, in fullpath: String) {
        let path = fullpath + "/" + MarkerFile.fingerprint
        let bytes = Array(value.utf8)
        if FileSystem.read(path, limit: 256) != bytes { FileSystem.write(bytes, to: path) }
    }

    /// Unix time of the newest committer date over all refs, nil when no ref
    /// points (directly) at a commit.
    package func newestCommitTime(fullpath: String) async throws(GitError) -> Int? {
        let result = try await git.run(gitDir: fullpath, ["for-each-ref", "--sort=-committerdate", "--format=%(committerdate:raw)", "--count=1"])
        guard result.succeeded, let first = result.output.split(separator: " ").first else { return nil }
        return Int(first)
    }

    package static func head(of fullpath: String) -> String? {
        FileSystem.read(fullpath + "/HEAD", limit: 1 << 16).map { String(decoding: $0, as: UTF8.self).trimmingWhitespace() }
    }

    /// The description, unless empty or still git's template text; invalid
    /// UTF-8 is replaced rather than fatal.
    package static func description(of fullpath: String) -> String? {
        guard let bytes = FileSystem.read(fullpath + "/description", limit: 1 << 20) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        if text.isEmpty || text.contains("edit this file") { return nil }
        return text
    }

    /// `gitweb.owner` of the repository at `fullpath`.
    package func owner(of fullpath: String) async throws(GitError) -> String? {
        let bytes = FileSystem.read(fullpath + "/config", limit: 1 << 22)
        return try await owner(of: fullpath, configBytes: bytes, config: bytes.flatMap(GitConfigFile.init))
    }

    /// `gitweb.owner`, from the config file as read (`configBytes`) and
    /// parsed (`config`); git is asked only when the file is beyond our parser.
    func owner(of fullpath: String, configBytes: [UInt8]?, config: GitConfigFile?) async throws(GitError) -> String? {
        guard configBytes != nil else { return inheritedOwner }
        if let parsed = config {
            guard let entry = parsed.gitwebOwner else { return inheritedOwner }
            return entry.value
        }
        let result = try await git.run(gitDir: fullpath, ["config", "-z", "--get-regexp", "gitweb\\..*"])
        return Self.ownerFromGitConfigListing(result.stdout)
    }
}
