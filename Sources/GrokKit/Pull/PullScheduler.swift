import Glibc
import Logging

/// grok-pull's event loop, for a one-shot run and for the service (`-o`
/// with `pull.refresh`): where `PullEngine`'s decisions meet tasks, files,
/// signals and the clock. Everything the run waits on (manifest checks,
/// jobs, housekeeping, hooks, alarms, signals, push notifications on
/// `pull.socket`) reports into one mailbox, read on one task; each report
/// goes to the engine with the monotonic time, and the actions it returns
/// are carried out here, the work in child tasks of one task group. Idle,
/// it sleeps until the next alarm. See `PullEngine` for the rules.
struct PullScheduler {
    private let pull: PullRun
    private let continuous: Bool
    private let logFile: LogFile?
    private let notifier: SystemdNotifier

    init(run: PullRun, continuous: Bool = false, logFile: LogFile? = nil, notifier: SystemdNotifier = SystemdNotifier(environment: [:])) {
        self.pull = run
        self.continuous = continuous
        self.logFile = logFile
        self.notifier = notifier
    }

    func run() async -> PullRun.ExitStatus {
        let (mail, mailbox) = AsyncStream<PullSession.Mail>.makeStream()
        let signals = SignalWatcher([SIGINT, SIGTERM, SIGHUP]) { mailbox.yield(.event(.signal($0))) }
        defer { signals.stop() }
        let interval = notifier.watchdogInterval.map(\.inSeconds)
        let engine = PullEngine(settings: PullEngine.Settings(pull), continuous: continuous, noMtimeCheck: pull.options.noMtimeCheck,
                                watchdogInterval: interval)
        var session = PullSession(pull: pull, engine: engine, logFile: logFile, notifier: notifier, mailbox: mailbox)
        if continuous, let path = pull.settings.socket {
            session.listener = session.listen(path)
            if session.listener == nil { return .unusable }
        }
        defer { session.listener?.close() }
        if continuous { pull.logger.info("Running continuously, checking \(pull.settings.refresh ?? 300)s apart") }

        var messages = mail.makeAsyncIterator()
        await withDiscardingTaskGroup { group in
            await session.deliver(.started, group: &group)
            while !session.stopping, let message = await messages.next() {
                let event = session.event(for: message)
                await session.deliver(event, group: &group)
            }
        }
        mailbox.finish()
        await session.saveLateUpdates(&messages)
        return session.farewell()
    }
}
