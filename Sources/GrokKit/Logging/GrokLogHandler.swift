import Glibc
import Logging

/// grokmirror's two log destinations behind one swift-log handler: the
/// console gets bare messages (info and up with `-v`, otherwise only
/// critical ones), the log file gets
/// `<tool>[<pid>] <date> <time>,<ms> - <LEVEL> - <message>` at info, or
/// debug with `loglevel = debug`.
package struct GrokLogHandler: LogHandler {
    package let tool: String
    package let consoleLevel: Logger.Level
    package let file: LogFile?
    package let fileLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level

    package init(tool: String, verbose: Bool, file: LogFile?, debug: Bool) {
        self.tool = tool
        self.consoleLevel = verbose ? .info : .critical
        self.file = file
        self.fileLevel = debug ? .debug : .info
        self.logLevel = file == nil ? consoleLevel : min(consoleLevel, fileLevel)
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let message = "\(event.message)"
        if event.level >= consoleLevel { ProgressLine.shared.interrupt { StandardError.write(message) } }
        if let file, event.level >= fileLevel {
            file.append("\(tool)[\(getpid())] \(Self.timestamp()) - \(Self.pythonLevelName(event.level)) - \(message)\n")
        }
    }

    static func pythonLevelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "DEBUG"
        case .info, .notice: return "INFO"
        case .warning: return "WARNING"
        case .error: return "ERROR"
        case .critical: return "CRITICAL"
        }
    }

    /// Python logging's `asctime`: local time with milliseconds after a comma.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)),\(pad(Int32(now.tv_nsec / 1_000_000), 3))"
    }
}

extension Logger {
    /// A logger for one of the tools (`manifest`, `pull`, `fsck`) writing to
    /// the console and `file`; with a collector, critical messages are also
    /// kept for a report.
    package static func grok(tool: String, verbose: Bool, file: LogFile?, debug: Bool, collector: CriticalCollector? = nil) -> Logger {
        let handler = GrokLogHandler(tool: tool, verbose: verbose, file: file, debug: debug)
        guard let collector else { return Logger(label: "grokmirror.\(tool)") { _ in handler } }
        let collecting = collector.handler
        return Logger(label: "grokmirror.\(tool)") { _ in MultiplexLogHandler([handler, collecting]) }
    }
}
