import Synchronization

/// Gitdirs named on the notification socket and not yet taken by the
/// scheduler. Names are kept once each, so a burst naming one repository a
/// thousand times is one request, and the count is capped so a flood of
/// distinct junk cannot grow memory without bound. Names are compared by
/// bytes: `café.git` in NFC and in NFD are two repositories.
final class NotificationInbox: Sendable {
    enum Admission: Equatable {
        /// The inbox was empty: the scheduler must be woken.
        case wake
        /// Already waiting, or joined others the scheduler will take.
        case queued
        /// Over capacity; said once until the scheduler drains the inbox.
        case full
        case dropped
    }

    let capacity: Int
    private struct State { var order: [String] = []; var names: Set<ExactKey> = []; var overflowed = false }
    private let state = Mutex(State())

    init(capacity: Int = 10_000) { self.capacity = capacity }

    func add(_ name: String) -> Admission {
        state.withLock { state in
            let key = ExactKey(name)
            if state.names.contains(key) { return .queued }
            if state.names.count >= capacity {
                defer { state.overflowed = true }
                return state.overflowed ? .dropped : .full
            }
            state.names.insert(key)
            state.order.append(name)
            return state.order.count == 1 ? .wake : .queued
        }
    }

    /// Everything waiting, in arrival order; the inbox is then empty.
    func drain() -> [String] {
        state.withLock { state in
            defer { state = State() }
            return state.order
        }
    }
}
