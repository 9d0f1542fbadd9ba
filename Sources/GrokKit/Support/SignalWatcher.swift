import Dispatch
import Glibc

/// Delivers signals to a handler instead of their default action, so a run
/// can finish writing what it completed (SIGINT, SIGTERM) or reopen its log
/// (SIGHUP) instead of dying mid-write. The signals stay ignored after
/// `stop()`, so a second ^C cannot interrupt the final manifest write.
package final class SignalWatcher: Sendable {
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    package init(_ numbers: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        sources = numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    package func stop() {
        for source in sources { source.cancel() }
    }
}
