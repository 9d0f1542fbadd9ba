import Logging

/// One run of `PullScheduler`: its engine, and what carrying out the
/// engine's actions takes (the config in force, the notification listener,
/// the mailbox that finished work reports into).
struct PullSession {
    /// A report in the mailbox.
    enum Mail: Sendable {
        case event(PullEngine.Event)
        /// Gitdirs wait in the notification inbox.
        case notificationsWaiting
    }

    private var pull: PullRun
    private var engine: PullEngine
    private let logFile: LogFile?
    private let notifier: SystemdNotifier
    private let mailbox: AsyncStream<Mail>.Continuation
    private let inbox = NotificationInbox()
    var listener: NotificationSocket?
    private var knownRepositories: LocalManifestCache
    private var configIdentity: FileIdentity?
    /// Work was cancelled: no more events are taken, only answers.
    private(set) var stopping = false
    private var status = PullRun.ExitStatus.success

    init(pull: PullRun, engine: PullEngine, logFile: LogFile?, notifier: SystemdNotifier, mailbox: AsyncStream<Mail>.Continuation) {
        self.pull = pull
        self.engine = engine
        self.logFile = logFile
        self.notifier = notifier
        self.mailbox = mailbox
        knownRepositories = LocalManifestCache(file: ManifestFile(path: pull.config.core.manifest))
        configIdentity = pull.config.fileIdentity
    }

    private var logger: Logger { pull.logger }

    /// What the engine may ask about disk and load.
    private var probe: PullEngine.Probe {
        let objstore = pull.runner.attachment
        return PullEngine.Probe(objstoreExists: { FileSystem.isDirectory(objstore.storePath($0)) },
                                overloaded: { SystemLoad.isOverloaded(load: SystemLoad.oneMinuteAverage(), cpus: SystemLoad.cpuCount) })
    }

    /// The engine's event for a report; notified gitdirs become jobs here,
    /// as the local manifest and the disk say.
    mutating func event(for mail: Mail) -> PullEngine.Event {
        switch mail {
        case .event(let event): return event
        case .notificationsWaiting:
            let local = knownRepositories.current()
            return .notified(inbox.drain().compactMap { pull.notificationJob(for: $0, local: local) })
        }
    }

    /// Hands `event` to the engine and carries out what it says, answering
    /// its questions at once.
    mutating func deliver(_ event: PullEngine.Event, group: inout DiscardingTaskGroup) async {
        var actions = engine.handle(event, now: MonotonicTime.seconds(), probe: probe)
        while !actions.isEmpty {
            var answer: PullEngine.Event? = nil
            for action in actions {
                if let reply = await perform(action, group: &group) { answer = reply }
            }
            guard let answer else { return }
            actions = engine.handle(answer, now: MonotonicTime.seconds(), probe: probe)
        }
    }

    /// What jobs cancelled by a stop reported after its checkpoint (the
    /// mailbox finished, every task ended): a repository updated before the
    /// stop, such as a fetch whose push was cut short, is saved into the
    /// local manifest too. Otherwise the manifest would keep the old state,
    /// and the push state, compared with it, would never see the
    /// destination behind.
    func saveLateUpdates(_ messages: inout AsyncStream<Mail>.Iterator) async {
        var updated: [(Gitdir, ManifestEntry)] = []
        while let message = await messages.next() {
            guard case .event(.finished(let job, let outcome)) = message else { continue }
            switch outcome {
            case .done(let entry, _, _, _), .refused(_, let entry, _, _): updated.append((job.gitdir, entry))
            case .failed, .deferred: continue
            }
        }
        _ = await pull.checkpoint(updated, purged: [])
    }

    /// The last words, once the cancelled work has ended: the exit status.
    mutating func farewell() -> PullRun.ExitStatus {
        for action in engine.handle(.stopped, now: MonotonicTime.seconds(), probe: probe) { report(action) }
        return status
    }

    /// Starts work in `group`, or answers a question; anything else is `report`ed.
    private mutating func perform(_ action: PullEngine.Action, group: inout DiscardingTaskGroup) async -> PullEngine.Event? {
        let (current, mailbox) = (pull, mailbox)
        switch action {
        case .startCheck(let force):
            group.addTask { mailbox.yield(.event(.checked(await current.check(force: force)))) }
        case .startJob(let job):
            let runner = current.runner
            group.addTask { mailbox.yield(.event(.finished(job, await runner.run(job)))) }
        case .startHousekeeping(let gitdir, let work):
            group.addTask {
                await current.houseKeep(gitdir, work)
                mailbox.yield(.event(.housekept(gitdir)))
            }
        case .runHooks(let cloned):
            group.addTask {
                await current.runCompletionHooks(cloned: cloned)
                mailbox.yield(.event(.hooksDone))
            }
        case .setAlarm(let deadline):
            group.addTask {
                try? await Task.sleep(for: .seconds(deadline - MonotonicTime.seconds()))
                mailbox.yield(.event(.alarm(deadline)))
            }
        case .stopWork:
            group.cancelAll()
            stopping = true
        case .purge(let culled, let hadRejections, let busy):
            return .purged(await current.purge(culled: culled, hadRejections: hadRejections, busy: busy))
        case .checkpoint(let records, let purged):
            return .checkpointed(await current.checkpoint(records.map { ($0.gitdir, $0.entry) }, purged: purged))
        case .reloadConfig:
            let changed = reloadConfigIfChanged()
            return .reloaded(PullEngine.Settings(pull), changed: changed)
        case .recordCompletedPass, .refreshProjectsList, .log, .reopenLog, .notifySystemd, .showProgress, .clearProgress, .exit:
            report(action)
        }
        return nil
    }

    /// Carries out an action that starts nothing and asks nothing.
    private mutating func report(_ action: PullEngine.Action) {
        switch action {
        case .recordCompletedPass(let status): pull.recordCompletedPass(status)
        case .refreshProjectsList: pull.refreshProjectsList()
        case .log(let level, let message): logger.log(level: level, "\(message)")
        case .reopenLog: logFile?.reopen()
        case .notifySystemd(let state): notifier.notify(state)
        case .showProgress(let progress): ProgressLine.shared.update(progress.description)
        case .clearProgress: ProgressLine.shared.clear()
        case .exit(let status): self.status = status
        case .startCheck, .startJob, .startHousekeeping, .runHooks, .setAlarm, .stopWork, .purge, .checkpoint, .reloadConfig:
            assertionFailure("\(action) is carried out by perform")
        }
    }

    /// Listens on `path` for push notifications; nil (logged) when it cannot.
    func listen(_ path: String) -> NotificationSocket? {
        let (inbox, mailbox, logger) = (inbox, mailbox, logger)
        do {
            let socket = try NotificationSocket(path: path, logger: logger) { name in
                switch inbox.add(name) {
                case .wake: mailbox.yield(.notificationsWaiting)
                case .full: logger.warning(" listener: \(inbox.capacity) notifications waiting, ignoring more until they are taken")
                case .queued, .dropped: break
                }
            }
            logger.info(" listener: listening on socket \(path)")
            return socket
        } catch {
            logger.critical("pull.socket: \(error)")
            return nil
        }
    }

    /// A config edited since the last check takes effect now; an unusable
    /// one is reported and the running settings kept. True when it was
    /// reloaded.
    private mutating func reloadConfigIfChanged() -> Bool {
        let path = pull.config.path
        guard let current = FileIdentity(path: path), current != configIdentity else { return false }
        configIdentity = current
        do {
            let config = try GrokConfig.load(path: path)
            try config.validate()
            let settings = try PullSettings(config: config)
            logger.info("Config \(path) changed: reloaded")
            if settings.socket != pull.settings.socket {
                listener?.close()
                listener = settings.socket.flatMap(listen)
            }
            pull = PullRun(config: config, settings: settings, options: pull.options, logger: logger, git: pull.git, shared: pull.shared)
            return true
        } catch {
            logger.critical("Config \(path) changed but is unusable, keeping the previous settings: \(error.description)")
            return false
        }
    }
}
