import Logging

extension PullEngine {
    /// What may change when the config file is reloaded.
    struct Settings: Equatable, Sendable {
        /// Jobs at once (`pull_threads`).
        var threads: Int
        /// Seconds between manifest checks in service mode (`refresh`).
        var refresh: Double
        /// Whether a completed pass deletes what the origin no longer lists
        /// (`purge` or `-p`).
        var purge: Bool

        init(threads: Int, refresh: Double = 300, purge: Bool = false) {
            self.threads = threads
            self.refresh = refresh
            self.purge = purge
        }

        init(_ pull: PullRun) {
            self.init(threads: pull.settings.threads, refresh: Double(pull.settings.refresh ?? 300),
                      purge: pull.options.purge || pull.settings.purge)
        }
    }

    /// What the engine may ask of the world while it decides, without
    /// reading it itself: asked only when the answer matters.
    struct Probe {
        /// Whether a forkgroup's objstore repository is on disk.
        var objstoreExists: (String) -> Bool
        /// Whether the system is too loaded for housekeeping (service mode).
        var overloaded: () -> Bool
    }

    /// What happened.
    enum Event: Sendable {
        /// The run begins.
        case started
        case checked(PullRun.Check)
        /// A job ended. Any job kind reports the same outcomes: work to
        /// record, a failure, or a repository another process holds.
        case finished(PullPlan.Job, RepoJobRunner.Outcome)
        case housekept(Gitdir)
        case hooksDone
        /// The alarm set for that deadline went off.
        case alarm(Double)
        case signal(Int32)
        /// Jobs for repositories named on `pull.socket`.
        case notified([PullPlan.Job])
        /// The answer to `.purge`: the gitdirs deleted.
        case purged([Gitdir])
        /// The answer to `.checkpoint`: whether the local manifest was written.
        case checkpointed(Bool)
        /// The answer to `.reloadConfig`: the settings now in force, and
        /// whether the file changed (the next check then ignores mtimes: an
        /// edit within the second of the last one leaves the `.remote`
        /// status's whole-second config stamp as it was).
        case reloaded(Settings, changed: Bool = false)
        /// Everything `.stopWork` cancelled has ended.
        case stopped
    }

    /// One finished repository to record in the local manifest.
    struct Record: Equatable, Sendable {
        let gitdir: Gitdir
        let entry: ManifestEntry
    }

    /// What to do, in the order given. `purge`, `checkpoint` and
    /// `reloadConfig` are questions: each ends its list, and its answer
    /// (`purged`, `checkpointed`, `reloaded`) must be handed back before any
    /// other event, as if the engine had waited for it.
    enum Action: Sendable {
        /// Fetches the remote manifest (`force` ignores mtimes) and plans; answered by `.checked`.
        case startCheck(force: Bool)
        /// Answered by `.finished`.
        case startJob(PullPlan.Job)
        /// Answered by `.housekept`.
        case startHousekeeping(Gitdir, [RepoJobRunner.Maintenance])
        /// post_clone_complete_hook and post_work_complete_hook; answered by `.hooksDone`.
        case runHooks(cloned: [Gitdir])
        /// Answered by `.alarm` with the same deadline (monotonic seconds).
        case setAlarm(at: Double)
        /// Deletes what the origin no longer lists, sparing `busy`; answered by `.purged`.
        case purge(PullPlan.Culled, hadRejections: Bool, busy: Set<Gitdir>)
        /// Folds finished work and purges into the local manifest; answered by `.checkpointed`.
        case checkpoint([Record], purged: [Gitdir])
        /// Takes a changed config file into use; answered by `.reloaded`.
        case reloadConfig
        /// Saves the `.remote` state of a complete pass.
        case recordCompletedPass(RemoteManifestStatus)
        case refreshProjectsList
        case log(Logger.Level, String)
        case reopenLog
        /// `READY=1`, `WATCHDOG=1`, `STOPPING=1` to systemd.
        case notifySystemd(String)
        case showProgress(Progress)
        case clearProgress
        /// Cancels every running task (git is stopped) and takes no more
        /// events but answers; `.stopped` once they have all ended.
        case stopWork
        case exit(PullRun.ExitStatus)
    }

    /// The status line's counts.
    struct Progress: Equatable, Sendable, CustomStringConvertible {
        var done: Int
        var active: Int
        var queued: Int
        var errors: Int

        var description: String { "grok-pull: \(done) done, \(active) active, \(queued) queued, \(errors) errors" }
    }
}
