/// What one grok-pull run will do, decided from values alone (pure, unit-tested
/// without disk): which remote entries count, what each repository needs,
/// and what may be purged.
package enum PullPlan {
    /// What a repository needs.
    package enum Action: Sendable, Equatable {
        /// Not on disk: create and clone.
        case initialize
        /// grok-fsck asked for it (`grokmirror.reclone`).
        case reclone
        /// On disk but unknown to the local manifest: reset the remote, then fetch.
        case fixRemotes
        /// Known: refresh description/owner/HEAD/symlinks and/or fetch.
        case update(fixParams: Bool, fetch: Bool)
    }

    package struct Job: Sendable, Equatable {
        package let gitdir: Gitdir
        package let entry: ManifestEntry
        package var action: Action
        /// Fetch even when the fingerprints look equal: a push notification
        /// says the origin changed before its manifest does.
        package var forceFetch = false
        /// The objstore repository a new clone borrows from.
        package var forkgroup: String? = nil
        /// Borrows from the objstore but is never fetched into it.
        package var isPrivate = false
        /// A local sibling to move into the forkgroup's objstore before
        /// this clone creates it, so the two share objects from the start.
        package var migrateSibling: Gitdir? = nil

        package init(gitdir: Gitdir, entry: ManifestEntry, action: Action) {
            self.gitdir = gitdir
            self.entry = entry
            self.action = action
        }

        /// Whether the job clones or fetches (not only reconfigures or pushes).
        package var fetches: Bool {
            switch action {
            case .initialize, .reclone, .fixRemotes: true
            case .update(_, let fetch): fetch
            }
        }

        /// What the status store calls the job's success.
        var statusKind: String {
            switch action {
            case .initialize, .reclone: "cloned"
            case .fixRemotes: "fetched"
            case .update(_, let fetch): fetch ? "fetched" : "updated"
            }
        }
    }

    /// Which forkgroup each entry joins on this mirror, as grokmirror
    /// decides it: the local manifest's forkgroup for repositories already
    /// here (this mirror's grok-fsck may know better), else the origin's; a
    /// grokmirror 1.x entry with only a `reference` joins its reference's
    /// group (under a new name when it has none yet); and a group sharing a
    /// member with one of this mirror's objstores (`existing`: forkgroup →
    /// member gitdirs) takes that objstore's name.
    package static func forkgroups(entries: [(gitdir: Gitdir, entry: ManifestEntry)], local: Manifest, existing: [String: Set<Gitdir>],
                                  newName: () -> String) -> [Gitdir: String] {
        var groups: [String: Set<Gitdir>] = [:]
        var order: [String] = []
        func add(_ gitdir: Gitdir, to name: String) {
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].insert(gitdir)
        }
        for (gitdir, entry) in entries {
            let known = local[gitdir]
            // A local entry another tool wrote is checked like the origin's.
            var forkgroup = known?.forkgroup.flatMap { RemoteEntryValidator.isForkgroupName($0) ? $0 : nil } ?? entry.forkgroup
            if forkgroup == nil, let reference = (known ?? entry).reference.map({ Gitdir($0) }), !reference.path.isEmpty {
                if let found = order.first(where: { groups[$0]!.contains(reference) }) {
                    forkgroup = found
                } else {
                    let name = newName()
                    add(reference, to: name)
                    forkgroup = name
                }
            }
            if let forkgroup { add(gitdir, to: forkgroup) }
        }
        var assignment: [Gitdir: String] = [:]
        for name in order {
            let members = groups[name]!
            let target = existing.keys.sorted().first { !existing[$0]!.isDisjoint(with: members) } ?? name
            for member in members { assignment[member] = target }
        }
        return assignment
    }

    /// What is known about a repository's copy on this mirror.
    package struct DiskState: Sendable, Equatable {
        package var exists: Bool
        package var recloneRequested: Bool
        package var fingerprint: String?
        package var symlinksInPlace: Bool
        package init(exists: Bool, recloneRequested: Bool = false, fingerprint: String? = nil, symlinksInPlace: Bool = true) {
            self.exists = exists
            self.recloneRequested = recloneRequested
            self.fingerprint = fingerprint
            self.symlinksInPlace = symlinksInPlace
        }
    }

    package struct Culled: Sendable {
        /// Entries to mirror, in manifest order.
        package var entries: [(gitdir: Gitdir, entry: ManifestEntry)] = []
        /// Entries skipped for having no fingerprint.
        package var withoutFingerprint: [Gitdir] = []
        package var rejected: [RemoteEntryValidator.Rejection] = []
        /// Gitdirs the origin lists but we do not mirror this run for a
        /// reason other than include/exclude: never purge those.
        package var protected: Set<Gitdir> = []
        /// Symlinks left out because they collide with a listed repository.
        package var droppedSymlinks: [String] = []
    }

    /// Keeps the entries matching include and not exclude that are valid
    /// and have a fingerprint. Entries with a lone surrogate escape
    /// (`UndecodableEntry`) are rejected by name: with an undecodable key
    /// always (no glob can match it exactly), otherwise when the globs pick
    /// them. Throws when the calling task is cancelled
    /// (checked every 1024 entries: a manifest of a million entries takes
    /// seconds to cull, and a stop request must not wait for that).
    package static func cull(_ remote: Manifest, include: [Glob], exclude: [Glob], reserved: [ReservedPath]) throws(CancellationError) -> Culled {
        var culled = Culled()
        for kept in remote.undecodable {
            if let gitdir = kept.gitdir {
                guard include.anyMatches(gitdir), !exclude.anyMatches(gitdir) else { continue }
                if gitdir.isClean { culled.protected.insert(gitdir) }
            }
            culled.rejected.append(RemoteEntryValidator.Rejection(undecodable: kept))
        }
        for (index, gitdir) in remote.gitdirs.enumerated() {
            if index % 1024 == 0 && Task.isCancelled { throw CancellationError() }
            guard include.anyMatches(gitdir), !exclude.anyMatches(gitdir) else { continue }
            let entry = remote[gitdir]!
            if let rejection = RemoteEntryValidator.validate(gitdir: gitdir, entry: entry, reserved: reserved) {
                culled.rejected.append(rejection)
                if gitdir.isClean { culled.protected.insert(gitdir) }
                continue
            }
            guard entry.fingerprint != nil else {
                culled.withoutFingerprint.append(gitdir)
                culled.protected.insert(gitdir)
                continue
            }
            culled.entries.append((gitdir, entry))
        }
        // A repository the origin lists stays listed when its entry is
        // rejected for an undecodable value: no link may replace it.
        dropCollidingSymlinks(&culled, listed: remote.gitdirs + remote.undecodable.compactMap(\.gitdir))
        return culled
    }

    /// A symlink may not stand where a listed repository is, above one
    /// (creating it would send that repository's clone through the link) or
    /// inside one: such symlinks are dropped from their entries and reported.
    static func dropCollidingSymlinks(_ culled: inout Culled, listed: [Gitdir]) {
        let repositories = Set(listed)
        var ancestors = Set<Gitdir>()
        for gitdir in listed {
            gitdir.forEachParent { ancestors.insert($0).inserted }
        }
        func collides(_ link: Gitdir) -> String? {
            if repositories.contains(link) { return "it is also listed as a repository" }
            if ancestors.contains(link) { return "listed repositories lie below it" }
            var inside: Gitdir? = nil
            link.forEachParent { parent in
                if repositories.contains(parent) { inside = parent }
                return inside == nil
            }
            return inside.map { "it lies inside the listed repository \($0)" }
        }
        for index in culled.entries.indices where !culled.entries[index].entry.symlinks.isEmpty {
            let (gitdir, entry) = culled.entries[index]
            let kept = entry.symlinks.filter { link in
                guard let why = collides(link) else { return true }
                culled.droppedSymlinks.append("symlink \(link) of \(gitdir) ignored: \(why)")
                return false
            }
            if kept.count != entry.symlinks.count { culled.entries[index].entry.symlinks = kept }
        }
    }

    /// grokmirror's per-repository decision.
    package static func action(remote: ManifestEntry, local: ManifestEntry?, disk: DiskState, defaultOwner: String) -> Action? {
        guard disk.exists else { return .initialize }
        if disk.recloneRequested { return .reclone }
        guard let local else { return .fixRemotes }
        // Byte-exact, as the origin wrote them.
        func differs(_ a: String?, _ b: String?) -> Bool { a.map(ExactKey.init) != b.map(ExactKey.init) }
        let fixParams = differs(remote.description, local.description)
            || differs(remote.owner ?? defaultOwner, local.owner ?? defaultOwner)
            || differs(remote.head, local.head)
            || !disk.symlinksInPlace
        let fetch = disk.fingerprint != local.fingerprint || disk.fingerprint != remote.fingerprint
        if !fixParams && !fetch { return nil }
        return .update(fixParams: fixParams, fetch: fetch)
    }

    package struct PurgeDecision: Sendable, Equatable {
        package var purge: [Gitdir] = []
        /// Set when purge protection refused the whole purge.
        package var refusal: String? = nil
        /// Repositories kept although the origin dropped them, and why.
        package var kept: [Gitdir: String] = [:]
    }

    /// Local repositories the origin no longer lists may go, except symlink
    /// targets, protected entries, nopurge and ffonly globs, and repos other
    /// repos borrow objects from; and not at all when that is
    /// `purgeProtect` % or more of the local repos, unless forced.
    package static func purge(found: [Gitdir], culled: Culled, noPurge: [Glob], ffOnly: [Glob], borrowedFrom: Set<Gitdir>, purgeProtect: Int, force: Bool) -> PurgeDecision {
        let listed = Set(culled.entries.map(\.gitdir))
        let symlinks = Set(culled.entries.flatMap { $0.entry.symlinks })
        var decision = PurgeDecision()
        for gitdir in found where !listed.contains(gitdir) && !symlinks.contains(gitdir) {
            if culled.protected.contains(gitdir) { decision.kept[gitdir] = "listed by the origin but not mirrored this run"; continue }
            if noPurge.anyMatches(gitdir) { decision.kept[gitdir] = "matches nopurge"; continue }
            if ffOnly.anyMatches(gitdir) { decision.kept[gitdir] = "ffonly repositories are never purged"; continue }
            if borrowedFrom.contains(gitdir) { decision.kept[gitdir] = RepositoryDeletion.lendsObjects; continue }
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
    /// origin's, with the forkgroup of the objstore this mirror's copy
    /// borrows from (none when standalone) and our fingerprint.
    package static func localEntry(from remote: ManifestEntry, fingerprint: String?, forkgroup: String? = nil) -> ManifestEntry {
        var entry = remote
        entry.forkgroup = forkgroup
        if let fingerprint { entry.fingerprint = fingerprint }
        if entry.object["head"]?.isNull == true { entry.object["head"] = nil }
        if entry.object["reference"] == nil { entry.reference = nil }
        return entry
    }
}
