import Glibc
import Logging

/// grok-fsck from parsed arguments to exit code: the run, then the report.
package enum FsckCommand {
    package struct Arguments: Sendable {
        package var configPath: String
        package var verbose = false
        package var options = FsckRun.Options()
        package init(configPath: String) { self.configPath = configPath }
    }

    /// The exit code. SIGINT and SIGTERM stop the run within seconds: it
    /// saves the status of the repositories it finished and exits 0, and an
    /// error report not yet sent goes to the log instead of the mail.
    package static func run(_ arguments: Arguments) async -> Int32 {
        let collector = CriticalCollector()
        guard let startup = ToolStartup.load(tool: "fsck", configPath: arguments.configPath, verbose: arguments.verbose, collector: collector,
                                             settings: FsckSettings.init(config:)) else {
            return FsckRun.ExitStatus.unusable.rawValue
        }
        let logger = startup.logger
        return await SignalCancellation.run(onSignal: { logger.info("Got signal \($0): saving finished work and exiting") }) {
            let status = await FsckRun(config: startup.config, settings: startup.settings, options: arguments.options, logger: logger).run()
            if Task.isCancelled { logger.info("Interrupted: saved the work completed so far.") }
            let lines = collector.collected
            guard !lines.isEmpty else { return status.rawValue }
            let sent = await mail(lines, settings: startup.settings, configPath: arguments.configPath, logger: logger)
            // An interrupted run kept its report in the log; that is not a failure.
            return sent || Task.isCancelled ? status.rawValue : FsckRun.ExitStatus.failed.rawValue
        }
    }

    /// Sends the critical lines as one report; false, with the report
    /// written to the log (it must not be lost), when it could not be sent
    /// or the run is being interrupted.
    private static func mail(_ lines: [String], settings: FsckSettings, configPath: String, logger: Logger) async -> Bool {
        let hostname = Self.hostname()
        let report = FsckReport(lines: lines, from: settings.reportFrom, to: settings.reportTo,
                                subject: settings.reportSubject ?? FsckReport.defaultSubject(hostname: hostname, configPath: configPath))
        let now = time(nil)
        let message = report.message(date: now, hostname: hostname, uniqueID: "\(now).\(getpid()).\(UInt32.random(in: 0...UInt32.max))")
        let sender = FsckReport.addresses(in: settings.reportFrom).first ?? settings.reportFrom
        do {
            logger.info("Sending the error report to \(settings.reportTo) through \(settings.reportMailhost)")
            try await SMTPClient(server: settings.reportMailhost).send(from: sender, to: FsckReport.addresses(in: settings.reportTo), message: message)
            logger.info("Sent the error report to \(settings.reportTo) through \(settings.reportMailhost)")
            return true
        } catch {
            logger.error("Could not send the error report to \(settings.reportTo): \(error.description)")
            logger.error("The undelivered report follows:")
            for line in lines { logger.error("  \(line)") }
            return false
        }
    }

    static func hostname() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }
}
