/// What grok-fsck does with one repository this run: a pure function of
/// its object counts, schedule and flags, so every branch is unit-tested.
package enum FsckDecision {
    package struct Facts: Sendable {
        package var counts: ObjectCounts
        /// The cached fingerprint differs from the one the status recorded.
        package var fingerprintChanged = false
        /// The scheduled check day has come.
        package var checkDue = false
        /// `grokmirror.repack` exists, or the objstore repository is new to
        /// the status (the reference full-repacks those at once).
        package var fullRepackRequested = false
        /// `extensions.preciousObjects` is on now.
        package var precious = false
        package var isObjectStore = false
        /// Pruning this repository cannot break a borrower.
        package var safeToPrune = true

        package init(counts: ObjectCounts) { self.counts = counts }
    }

    package struct Mode: Sendable {
        package var repackEnabled = true
        package var prune = true
        package var precious = FsckSettings.PreciousMode.yes
        package var force = false
        package var repackOnly = false
        package var repackAllQuick = false
        package var repackAllFull = false
        package init() {}

        /// `[fsck]` and the command line's flags. No pruning with `precious
        /// = always`: git cannot prune a precious repository.
        init(settings: FsckSettings, options: FsckRun.Options) {
            repackEnabled = settings.repack
            prune = settings.prune && settings.precious != .always
            precious = settings.precious
            force = options.force
            repackOnly = options.repackOnly
            repackAllQuick = options.repackAllQuick
            repackAllFull = options.repackAllFull
        }
    }

    package enum Work: Sendable, Equatable {
        case nothing
        case repack(ObjectCounts.RepackLevel)
        case fsck
    }

    package struct Outcome: Sendable, Equatable {
        package var work: Work = .nothing
        /// Move the next check on: a repack stood in for this check.
        package var reschedule = false
        /// Prune the garbage `count-objects` found (only without a repack,
        /// which prunes on its own).
        package var pruneGarbage = false
    }

    package static func decide(_ facts: Facts, mode: Mode) -> Outcome {
        var outcome = Outcome()
        let counts = facts.counts
        var level = ObjectCounts.RepackLevel.none
        if mode.repackEnabled {
            if facts.fullRepackRequested {
                level = .full
            } else if mode.repackAllFull && (counts.loose > 0 || counts.packs > 1) {
                level = .full
            } else if mode.repackAllQuick && counts.loose > 0 {
                level = .quick
            } else if facts.fingerprintChanged || facts.isObjectStore {
                level = counts.repackLevel()
            }
            // A changed repository whose check is due gets at least a quick repack.
            if level == .none && facts.checkDue && facts.fingerprintChanged && !facts.isObjectStore {
                outcome.reschedule = true
                level = .quick
            }
            // Full repacks only on schedule, or when asked for.
            let fullAllowed = facts.checkDue || mode.force || mode.repackAllFull || facts.fullRepackRequested
            if level == .full && !fullAllowed { level = .quick }
            // Precious repos with precious=always repack on the check schedule only, fully.
            if level > .none && mode.precious == .always && facts.precious {
                if facts.checkDue || facts.fullRepackRequested {
                    outcome.reschedule = true
                    level = .full
                } else {
                    level = .none
                }
            }
        }
        if level == .none && counts.garbage > 0 && mode.prune && facts.safeToPrune && !facts.isObjectStore {
            outcome.pruneGarbage = true
        }
        if level > .none {
            outcome.work = .repack(level)
        } else if !(mode.repackOnly || mode.repackAllQuick || mode.repackAllFull) && (facts.checkDue || mode.force) {
            outcome.work = .fsck
        }
        return outcome
    }
}
