import Glibc
import Logging

/// grok-fsck from parsed arguments to exit code: the run, then the report.
public enum FsckCommand {
    public struct Arguments: Sendable {
        public var configPath: String
        public var verbose = false
        public var options = FsckRun.Options()
        public init(configPath: String) { self.configPath = configPath }
    }

    public static func run(_ arguments: Arguments) async -> Int32 {
        let collector = CriticalCollector()
        guard let startup = ToolStartup.load(tool: "fsck", configPath: arguments.configPath, verbose: arguments.verbose, collector: collector,
                                             settings: FsckSettings.init(config:)) else {
            return FsckRun.ExitStatus.unusable.rawValue
        }
        let (config, settings, logger) = (startup.config, startup.settings, startup.logger)
        let status = await FsckRun(config: config, settings: settings, options: arguments.options, logger: logger).run()
        let lines = collector.collected
        guard !lines.isEmpty else { return status.rawValue }
        let hostname = Self.hostname()
        let report = FsckReport(lines: lines, from: settings.reportFrom, to: settings.reportTo,
                                subject: settings.reportSubject ?? FsckReport.defaultSubject(hostname: hostname, configPath: arguments.configPath))
        let now = time(nil)
        let message = report.message(date: now, hostname: hostname, uniqueID: "\(now).\(getpid()).\(UInt32.random(in: 0...UInt32.max))")
        let sender = FsckReport.addresses(in: settings.reportFrom).first ?? settings.reportFrom
        do {
            try await SMTPClient(server: settings.reportMailhost).send(from: sender, to: FsckReport.addresses(in: settings.reportTo), message: message)
            logger.info("Sent the error report to \(settings.reportTo) through \(settings.reportMailhost)")
            return status.rawValue
        } catch {
            // The report must not be lost: it goes to the log instead.
            logger.error("Could not send the error report to \(settings.reportTo): \(error.description)")
            logger.error("The undelivered report follows:")
            for line in lines { logger.error("  \(line)") }
            return FsckRun.ExitStatus.failed.rawValue
        }
    }

    static func hostname() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }
}
