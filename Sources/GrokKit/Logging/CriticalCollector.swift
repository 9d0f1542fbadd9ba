import Logging
import Synchronization

/// Keeps every critical message of a run: grok-fsck mails them as its
/// report, as the reference does with a CRITICAL-level handler.
package final class CriticalCollector: Sendable {
    private let messages = Mutex<[String]>([])

    package init() {}

    package var collected: [String] { messages.withLock { $0 } }

    func append(_ message: String) { messages.withLock { $0.append(message) } }

    /// A handler that feeds this collector; combine it with the tool's own.
    package var handler: some LogHandler { Handler(collector: self) }

    private struct Handler: LogHandler {
        let collector: CriticalCollector
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .critical

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            if event.level >= .critical { collector.append("\(event.message)") }
        }
    }
}
