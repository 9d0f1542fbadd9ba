/// The manifest's `fingerprint`: sha1 of `git show-ref` output, optionally
/// without the refs matching ignore globs (grok-manifest `-r`).
public struct Fingerprint: Sendable, Equatable {
    /// nil when the repository has no refs (or git cannot list them): such a
    /// repository has no fingerprint and stays out of the manifest.
    public let value: String?
    /// Whether an ignore glob removed any ref from the hash.
    public let ignoredAnyRef: Bool

    /// Pure computation over show-ref lines, in show-ref order.
    public static func compute(_ refs: [RefStore.Ref], ignoring ignoreGlobs: [Glob] = []) -> Fingerprint {
        guard !refs.isEmpty else { return Fingerprint(value: nil, ignoredAnyRef: false) }
        var hasher = SHA1()
        var ignored = false
        for ref in refs {
            if !ignoreGlobs.isEmpty && ignoreGlobs.anyMatches(ref.name) { ignored = true; continue }
            hasher.update(ref.objectID.utf8)
            hasher.update(CollectionOfOne(UInt8(ascii: " ")))
            hasher.update(ref.name.utf8)
            hasher.update(CollectionOfOne(UInt8(ascii: "\n")))
        }
        return Fingerprint(value: hasher.hexDigest(), ignoredAnyRef: ignored)
    }
}

/// Computes fingerprints from the ref files when that provably matches git,
/// and by running `git show-ref` otherwise.
public struct FingerprintReader: Sendable {
    public let git: GitRunner

    public init(git: GitRunner) { self.git = git }

    public enum Source: Sendable { case files, git }

    public func fingerprint(gitDir: String, ignoring ignoreGlobs: [Glob] = []) async throws(GitError) -> (Fingerprint, Source) {
        if case .refs(let refs) = RefStore.read(gitDir: gitDir), var presence = ObjectPresence(gitDir: gitDir),
           presence.containsAll(refs.map(\.objectID)) {
            return (Fingerprint.compute(refs, ignoring: ignoreGlobs), .files)
        }
        return (try await fromGit(gitDir: gitDir, ignoring: ignoreGlobs), .git)
    }

    /// The fingerprint of the refs as they are on disk, without proving
    /// their objects present: what deciding "did the refs change?" needs,
    /// at a fraction of the cost. Falls back to `fingerprint(gitDir:)`
    /// where the ref files are not plain.
    public func refsFingerprint(gitDir: String) async throws(GitError) -> String? {
        if case .refs(let refs) = RefStore.read(gitDir: gitDir) { return Fingerprint.compute(refs).value }
        return try await fingerprint(gitDir: gitDir).0.value
    }

    /// `git show-ref`: a failure (no refs, or a ref to a missing object)
    /// means no fingerprint, as in grokmirror.
    public func fromGit(gitDir: String, ignoring ignoreGlobs: [Glob] = []) async throws(GitError) -> Fingerprint {
        let result = try await git.run(gitDir: gitDir, ["show-ref"])
        guard result.succeeded else { return Fingerprint(value: nil, ignoredAnyRef: false) }
        var refs: [RefStore.Ref] = []
        for line in result.stdout.split(separator: 0x0A) {
            guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { continue }
            refs.append(RefStore.Ref(name: String(decoding: line[(space + 1)...], as: UTF8.self),
                                     objectID: String(decoding: line[..<space], as: UTF8.self)))
        }
        return Fingerprint.compute(refs, ignoring: ignoreGlobs)
    }
}
