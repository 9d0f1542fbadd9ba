import CCurl
import Dispatch
import Synchronization

/// One blocking libcurl transfer that the calling task's cancellation
/// stops (grok-pull and grok-fsck cancel their work on SIGTERM and SIGINT).
///
/// `curl_easy_perform` blocks its thread and knows nothing of Swift tasks,
/// so a silent peer would hold the caller until libcurl's own timeouts,
/// minutes later. The progress callback installed by `install(on:)` is
/// called by libcurl about once a second while nothing arrives (more often
/// while data flows); once the task is cancelled it returns non-zero and
/// libcurl ends the transfer with `CURLE_ABORTED_BY_CALLBACK`.
final class CurlTransfer: Sendable {
    private let cancelled = Atomic<Bool>(false)

    private init() {}

    /// Whether the task that started the transfer has been cancelled.
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Runs `body` on a dispatch thread (libcurl blocks it) and returns its
    /// result; `body` must call `install(on:)` on its easy handle before
    /// `curl_easy_perform`. Returns within about a second of the calling
    /// task's cancellation.
    static func run<T: Sendable>(_ body: @escaping @Sendable (CurlTransfer) -> T) async -> T {
        let transfer = CurlTransfer()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: body(transfer)) }
            }
        } onCancel: {
            transfer.cancelled.store(true, ordering: .relaxed)
        }
    }

    /// Makes `easy` ask this transfer, while it runs, whether to go on.
    /// The handle must not outlive the `run` that passed this transfer.
    func install(on easy: CurlEasy) {
        easy.set(CURLOPT_NOPROGRESS, 0)
        easy.set(CURLOPT_XFERINFODATA, pointer: Unmanaged.passUnretained(self).toOpaque())
        easy.setProgressFunction { user, _, _, _, _ in
            Unmanaged<CurlTransfer>.fromOpaque(user!).takeUnretainedValue().isCancelled ? 1 : 0
        }
    }

    /// What to report for a transfer that ended with `code`: nil unless it
    /// was this transfer's cancellation that ended it.
    func interruption(_ code: CURLcode) -> String? {
        code == CURLE_ABORTED_BY_CALLBACK && isCancelled ? "interrupted" : nil
    }
}
