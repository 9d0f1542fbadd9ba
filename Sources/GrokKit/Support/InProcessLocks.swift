/// Serializes this process's tasks on one lock path. `lockf` locks belong
/// to the process: a second task would get the same lock at once, and its
/// close would drop the first task's lock. Waiting here is a suspension,
/// never a blocked thread.
actor InProcessLocks {
    static let shared = InProcessLocks()

    /// Lock paths, byte-exact (an NFC and an NFD name are two files).
    private var held: Set<ExactKey> = []
    private var waiters: [ExactKey: [CheckedContinuation<Void, Never>]] = [:]

    func acquire(_ path: String) async {
        let key = ExactKey(path)
        guard held.contains(key) else {
            held.insert(key)
            return
        }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    /// Hands the lock to the next waiter, if any.
    func release(_ path: String) {
        let key = ExactKey(path)
        guard var queue = waiters[key], !queue.isEmpty else {
            held.remove(key)
            return
        }
        let next = queue.removeFirst()
        waiters[key] = queue.isEmpty ? nil : queue
        next.resume()
    }
}
