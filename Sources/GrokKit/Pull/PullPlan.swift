/// What one grok-pull run will do, decided from values alone (pure, unit-tested
/// without disk): which remote entries count, what each repository needs,
/// and what may be purged.
public enum PullPlan {
    /// What a repository needs.
    public enum Action: Sendable, Equatable {
        /// Not on disk: create and clone.
        case initialize
        /// grok-fsck asked for it (`grokmirror.reclone`).
        case reclone
        /// On disk but unknown to the local manifest: reset the remote, then fetch.
        case fixRemotes
        /// Known: refresh description/owner/HEAD/symlinks and/or fetch.
        case update(fixParams: Bool, fetch: Bool)
    }

    public struct Job: Sendable, Equatable {
        public let gitdir: String
        public let entry: ManifestEntry
        public let action: Action
    }

    /// What is known about a repository's copy on this mirror.
    public struct DiskState: Sendable, Equatable {
        public var exists: Bool
        public var recloneRequested: Bool
        public var fingerprint: String?
        public var symlinksInPlace: Bool
        public init(exists: Bool, recloneRequested: Bool = false, fingerprint: String? = nil, symlinksInPlace: Bool = true) {
            self.exists = exists
            self.recloneRequested = recloneRequested
            self.fingerprint = fingerprint
            self.symlinksInPlace = symlinksInPlace
        }
    }

    public struct Culled: Sendable {
        /// Entries to mirror, in manifest order.
        public var entries: [(gitdir: String, entry: ManifestEntry)] = []
        /// Entries skipped for having no fingerprint.
        public var withoutFingerprint: [String] = []
        public var rejected: [RemoteEntryValidator.Rejection] = []
        /// Gitdirs the origin lists but we do not mirror this run for a
        /// reason other than include/exclude: never purge those.
        public var protected: Set<String> = []
    }

    /// Keeps the entries matching include and not exclude that are valid
    /// and have a fingerprint.
    public static func cull(_ remote: Manifest, include: [Glob], exclude: [Glob], reserved: [String]) -> Culled {
        var culled = Culled()
        for gitdir in remote.gitdirs {
            guard include.anyMatches(gitdir), !exclude.anyMatches(gitdir) else { continue }
            let entry = remote[gitdir]!
            if let rejection = RemoteEntryValidator.validate(gitdir: gitdir, entry: entry, reserved: reserved) {
                culled.rejected.append(rejection)
                if RemoteEntryValidator.isCleanGitdir(gitdir) { culled.protected.insert(gitdir) }
                continue
            }
            guard entry.fingerprint != nil else {
                culled.withoutFingerprint.append(gitdir)
                culled.protected.insert(gitdir)
                continue
            }
            culled.entries.append((gitdir, entry))
        }
        return culled
    }

    /// grokmirror's per-repository decision.
    public static func action(remote: ManifestEntry, local: ManifestEntry?, disk: DiskState, defaultOwner: String) -> Action? {
        guard disk.exists else { return .initialize }
        if disk.recloneRequested { return .reclone }
        guard let local else { return .fixRemotes }
        let fixParams = remote.description != local.description
            || (remote.owner ?? defaultOwner) != (local.owner ?? defaultOwner)
            || remote.head != local.head
            || !disk.symlinksInPlace
        let fetch = disk.fingerprint != local.fingerprint || disk.fingerprint != remote.fingerprint
        if !fixParams && !fetch { return nil }
        return .update(fixParams: fixParams, fetch: fetch)
    }

    public struct PurgeDecision: Sendable, Equatable {
        public var purge: [String] = []
        /// Set when purge protection refused the whole purge.
        public var refusal: String? = nil
        /// Repositories kept although the origin dropped them, and why.
        public var kept: [String: String] = [:]
    }

    /// Local repositories the origin no longer lists may go, except symlink
    /// targets, protected entries, nopurge and ffonly globs, and repos other
    /// repos borrow objects from; and not at all when that is
    /// `purgeProtect` % or more of the local repos, unless forced.
    public static func purge(found: [String], culled: Culled, noPurge: [Glob], ffOnly: [Glob], borrowedFrom: Set<String>, purgeProtect: Int, force: Bool) -> PurgeDecision {
        let listed = Set(culled.entries.map(\.gitdir))
        let symlinks = Set(culled.entries.flatMap { $0.entry.symlinks })
        var decision = PurgeDecision()
        for gitdir in found where !listed.contains(gitdir) && !symlinks.contains(gitdir) {
            if culled.protected.contains(gitdir) { decision.kept[gitdir] = "listed by the origin but not mirrored this run"; continue }
            if noPurge.anyMatches(gitdir) { decision.kept[gitdir] = "matches nopurge"; continue }
            if ffOnly.anyMatches(gitdir) { decision.kept[gitdir] = "ffonly repositories are never purged"; continue }
            if borrowedFrom.contains(gitdir) { decision.kept[gitdir] = "other repositories borrow objects from it"; continue }
            decision.purge.append(gitdir)
        }
        guard !decision.purge.isEmpty, !found.isEmpty else { return decision }
        let percent = decision.purge.count * 100 / found.count
        if !force && percent >= purgeProtect {
            decision.refusal = "Refusing to purge \(decision.purge.count) repos (\(percent)%); raise purgeprotect (\(purgeProtect)%) or use --force-purge"
            decision.purge = []
        }
        return decision
    }

    /// The entry recorded in the local manifest after a successful job: the
    /// origin's, without a forkgroup (this mirror cloned it standalone) and
    /// with our fingerprint.
    public static func localEntry(from remote: ManifestEntry, fingerprint: String?) -> ManifestEntry {
        var entry = remote
        entry.forkgroup = nil
        if let fingerprint { entry.fingerprint = fingerprint }
        if entry.object["head"]?.isNull == true { entry.object["head"] = nil }
        if entry.object["reference"] == nil { entry.reference = nil }
        return entry
    }
}
