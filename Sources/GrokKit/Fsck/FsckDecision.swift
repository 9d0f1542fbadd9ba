/// What grok-fsck does with one repository this run: a pure function of
/// its object counts, schedule and flags, so every branch is unit-tested.
public enum FsckDecision {
    public struct Facts: Sendable {
        public var counts: ObjectCounts
        /// The cached fingerprint differs from the one the status recorded.
        public var fingerprintChanged = false
        /// The scheduled check day has come.
        public var checkDue = false
        /// `grokmirror.repack` exists, or the objstore repository is new to
        /// the status (the reference full-repacks those at once).
        public var fullRepackRequested = false
        /// `extensions.preciousObjects` is on now.
        public var precious = false
        public var isObjectStore = false
        /// Pruning this repository cannot break a borrower.
        public var safeToPrune = true

        public init(counts: ObjectCounts) { self.counts = counts }
    }

    public struct Mode: Sendable {
        public var repackEnabled = true
        public var prune = true
        public var precious = FsckSettings.PreciousMode.yes
        public var force = false
        public var repackOnly = false
        public var repackAllQuick = false
        public var repackAllFull = false
        public init() {}

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

    public enum Work: Sendable, Equatable {
        case nothing
        case repack(ObjectCounts.RepackLevel)
        case fsck
    }

    public struct Outcome: Sendable, Equatable {
        public var work: Work = .nothing
        /// Move the next check on: a repack stood in for this check.
        public var reschedule = false
        /// Prune the garbage `count-objects` found (only without a repack,
        /// which prunes on its own).
        public var pruneGarbage = false
    }

    public static func decide(_ facts: Facts, mode: Mode) -> Outcome {
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
