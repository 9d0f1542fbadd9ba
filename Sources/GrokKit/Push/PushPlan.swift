/// The decisions of a push, as plain values (no disk, no git): which refs
/// are in scope, whether a push is needed, whether to survey the
/// destination first, and whether `deleteprotect` stops it.
package enum PushPlan {
    /// The destination ref names the refspecs give the local refs, sorted
    /// by bytes (each local ref counted once, by the first refspec taking it).
    package static func destinationNames(of refs: [RefStore.Ref], refspecs: [PushRefspec]) -> [String] {
        var names: Set<String> = []
        for ref in refs {
            if let name = refspecs.lazy.compactMap({ $0.destinationName(for: ref.name) }).first { names.insert(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// SHA-1 over the names, one per line: `PushRecord.names`.
    package static func namesDigest(_ names: [String]) -> String {
        var hash = SHA1()
        for name in names {
            hash.update(name)
            hash.update([0x0A])
        }
        return hash.hexDigest()
    }

    package enum Decision: Sendable, Equatable {
        /// Pushed at this state before: no git process.
        case upToDate
        /// Push; with `survey`, first ask the destination what the push
        /// would delete (a dry run), since refs may go.
        case push(survey: Bool)
    }

    /// A push is needed unless the last successful one was of the same
    /// state with the same settings. A pruning push surveys first unless
    /// the set of names in scope is the one pushed last time: then nothing
    /// of ours can have gone, and a steady stream of updates costs one git
    /// process each.
    package static func decide(previous: PushRecord?, current: PushRecord, prune: Bool) -> Decision {
        if previous == current { return .upToDate }
        guard prune else { return .push(survey: false) }
        return .push(survey: previous.map { $0.names != current.names || $0.settings != current.settings } ?? true)
    }

    /// Why `deleteprotect` stops a push whose dry run is `survey`, or nil:
    /// more than 3 deletions and more than `percent` of the destination's
    /// refs in scope (those the dry run lists as existing there).
    package static func deletionRefusal(_ survey: PushPorcelain, percent: Int) -> String? {
        let deletions = survey.deletions.count
        let existing = survey.updates.filter(\.existedAtDestination).count
        guard deletions > 3, deletions * 100 > percent * existing else { return nil }
        return "would delete \(deletions) of the \(existing) refs in scope at the destination (deleteprotect is \(percent)%); "
            + "run grok-push --force to push anyway"
    }
}
