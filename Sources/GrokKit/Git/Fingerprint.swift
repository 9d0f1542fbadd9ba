/// The manifest's `fingerprint`: sha1 of `git show-ref` output, optionally
/// without the refs matching ignore globs (grok-manifest `-r`).
package struct Fingerprint: Sendable, Equatable {
    /// nil when the repository has no refs (or git cannot list them): such a
    /// repository has no fingerprint and stays out of the manifest.
    package let value: String?
    /// Whether an ignore glob removed any ref from the hash.
    package let ignoredAnyRef: Bool

    /// Pure computation over show-ref lines, in show-ref order.
    package static func compute(_ refs: [RefStore.Ref], ignoring ignoreGlobs: [Glob] = []) -> Fingerprint {
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

/// A fingerprint with the `RefsStamp` of the files it was computed from.
package struct StampedFingerprint: Sendable, Equatable {
    package var stamp: String
    package var fingerprint: Fingerprint
    /// The loose-object fanout directories the proof of presence used.
    package var looseFanouts: [String]
    package init(stamp: String, fingerprint: Fingerprint, looseFanouts: [String]) {
        self.stamp = stamp
        self.fingerprint = fingerprint
        self.looseFanouts = looseFanouts
    }
}

/// Computes fingerprints from the ref files when that provably matches git,
/// and by running `git show-ref` otherwise.
package struct FingerprintReader: Sendable {
    package let git: GitRunner

    package init(git: GitRunner) { self.git = git }

    /// Where a fingerprint came from: the ref files, git, or an unchanged
    /// `RefsStamp` of an earlier computation.
    package enum Source: Sendable { case files, git, stamp }

    package func fingerprint(gitDir: String, ignoring ignoreGlobs: [Glob] = []) async throws(GitError) -> (Fingerprint, Source) {
        let (fingerprint, source, _) = try await compute(gitDir: gitDir, ignoring: ignoreGlobs, stamping: nil)
        return (fingerprint, source)
    }

    /// Like `fingerprint(gitDir:ignoring:)`, but answers from `known` when
    /// the repository's `RefsStamp` still equals the one recorded with it,
    /// and returns the stamped result to remember (nil when the stamp
    /// cannot be trusted, or git had to be asked).
    package func fingerprint(gitDir: String, ignoring ignoreGlobs: [Glob], known: StampedFingerprint?,
                            now: Int) async throws(GitError) -> (Fingerprint, Source, StampedFingerprint?) {
        try await compute(gitDir: gitDir, ignoring: ignoreGlobs, stamping: (known, now))
    }

    private func compute(gitDir: String, ignoring ignoreGlobs: [Glob],
                         stamping: (known: StampedFingerprint?, now: Int)?) async throws(GitError) -> (Fingerprint, Source, StampedFingerprint?) {
        guard var presence = ObjectPresence(gitDir: gitDir) else { return (try await fromGit(gitDir: gitDir, ignoring: ignoreGlobs), .git, nil) }
        let salt = ignoreGlobs.map(\.pattern).joined(separator: "\0")
        func stamp(_ fanouts: [String]) -> String? {
            guard let stamping else { return nil }
            return RefsStamp.take(gitDir: gitDir, objectDirectories: presence.objectDirectories, looseFanouts: fanouts, salt: salt, now: stamping.now)
        }
        if let known = stamping?.known, stamp(known.looseFanouts) == known.stamp { return (known.fingerprint, .stamp, known) }
        guard case .refs(let refs) = RefStore.read(gitDir: gitDir), presence.containsAll(refs.map(\.objectID)) else {
            return (try await fromGit(gitDir: gitDir, ignoring: ignoreGlobs), .git, nil)
        }
        let fingerprint = Fingerprint.compute(refs, ignoring: ignoreGlobs)
        let fanouts = presence.looseFanouts.sorted()
        let stamped = stamp(fanouts).map { StampedFingerprint(stamp: $0, fingerprint: fingerprint, looseFanouts: fanouts) }
        return (fingerprint, .files, stamped)
    }

    /// The fingerprint of the refs as they are on disk, without proving
    /// their objects present: what deciding "did the refs change?" needs,
    /// at a fraction of the cost. Falls back to `fingerprint(gitDir:)`
    /// where the ref files are not plain.
    package func refsFingerprint(gitDir: String) async throws(GitError) -> String? {
        if case .refs(let refs) = RefStore.read(gitDir: gitDir) { return Fingerprint.compute(refs).value }
        return try await fingerprint(gitDir: gitDir).0.value
    }

    /// `git show-ref`: a failure (no refs, or a ref to a missing object)
    /// means no fingerprint, as in grokmirror.
    package func fromGit(gitDir: String, ignoring ignoreGlobs: [Glob] = []) async throws(GitError) -> Fingerprint {
        guard let refs = try await showRef(gitDir: gitDir) else { return Fingerprint(value: nil, ignoredAnyRef: false) }
        return Fingerprint.compute(refs, ignoring: ignoreGlobs)
    }

    /// The refs, from the files where `RefStore` can prove them, else from
    /// `git show-ref`; nil when git lists none (or fails).
    package func refs(gitDir: String) async throws(GitError) -> [RefStore.Ref]? {
        if case .refs(let refs) = RefStore.read(gitDir: gitDir) { return refs }
        return try await showRef(gitDir: gitDir)
    }

    private func showRef(gitDir: String) async throws(GitError) -> [RefStore.Ref]? {
        let result = try await git.run(gitDir: gitDir, ["show-ref"])
        guard result.succeeded else { return nil }
        var refs: [RefStore.Ref] = []
        for line in result.stdout.split(separator: 0x0A) {
            guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { continue }
            refs.append(RefStore.Ref(name: String(decoding: line[(space + 1)...], as: UTF8.self),
                                     objectID: String(decoding: line[..<space], as: UTF8.self)))
        }
        return refs
    }
}
