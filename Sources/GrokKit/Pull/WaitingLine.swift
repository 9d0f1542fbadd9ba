import HeapModule

/// Work waiting its turn, at most one item per repository, in order: an
/// item joins at the back, or at the front (a push notification), and is
/// replaced where it stands. An item something blocks (its forkgroup's
/// objstore being created, its repository busy) is set aside, and put back
/// where it stood once that blocker is lifted, so it is not looked at again
/// meanwhile. Every operation but `inOrder` costs O(log n) (a ticket left
/// behind by a move to the front is skipped once, later): bench/queue.sh
/// queues and drains 30,000 repositories in a quarter of a second, where an
/// array's inserts, removals and rescans took 38 seconds, deaf to SIGTERM.
struct WaitingLine<Work> {
    /// What keeps an item from starting.
    enum Blocker: Hashable {
        case repository(Gitdir)
        case forkgroup(String)
    }

    /// An item's place: lower turns go first. A ticket whose turn is no
    /// longer its item's (the item moved to the front, or left) is skipped.
    private struct Ticket: Comparable {
        let turn: Int
        let gitdir: Gitdir

        static func < (lhs: Ticket, rhs: Ticket) -> Bool { lhs.turn < rhs.turn }
    }

    private struct Item {
        var turn: Int
        var work: Work
        var blocker: Blocker?
    }

    private var items: [Gitdir: Item] = [:]
    /// Tickets of the items not set aside.
    private var line = Heap<Ticket>()
    private var setAside: [Blocker: Set<Gitdir>] = [:]
    private var frontTurn = 0
    private var backTurn = 0

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }

    /// The work waiting for `gitdir`, set aside or not.
    subscript(gitdir: Gitdir) -> Work? { items[gitdir]?.work }

    /// Every item in order, set-aside ones included. O(n log n): for tests
    /// and reports, not for the scheduler's every step.
    var inOrder: [(gitdir: Gitdir, work: Work)] {
        items.sorted { $0.value.turn < $1.value.turn }.map { ($0.key, $0.value.work) }
    }

    /// Queues `work` for `gitdir` at the back, or at the front when
    /// `first`. Work already queued for it is replaced, in its place unless
    /// `first`, and is looked at again even if it was set aside.
    mutating func put(_ gitdir: Gitdir, _ work: Work, first: Bool = false) {
        let queued = items[gitdir]
        if let blocker = queued?.blocker { lift(gitdir, from: blocker) }
        let turn: Int
        if first {
            frontTurn -= 1
            turn = frontTurn
        } else if let queued {
            turn = queued.turn
        } else {
            backTurn += 1
            turn = backTurn
        }
        items[gitdir] = Item(turn: turn, work: work, blocker: nil)
        let ticketStands = queued.map { $0.blocker == nil && $0.turn == turn } ?? false
        if !ticketStands { line.insert(Ticket(turn: turn, gitdir: gitdir)) }
    }

    /// Takes the first item `blocked` lets start. Items it names a blocker
    /// for are set aside until `unblock` is called with that blocker.
    mutating func popFirst(blockedBy blocked: (Gitdir, Work) -> Blocker? = { _, _ in nil }) -> (gitdir: Gitdir, work: Work)? {
        while let ticket = line.popMin() {
            guard let item = items[ticket.gitdir], item.turn == ticket.turn else { continue }
            if let blocker = blocked(ticket.gitdir, item.work) {
                items[ticket.gitdir]?.blocker = blocker
                setAside[blocker, default: []].insert(ticket.gitdir)
                continue
            }
            items[ticket.gitdir] = nil
            return (ticket.gitdir, item.work)
        }
        return nil
    }

    /// Puts the items set aside for `blocker` back where they stood.
    mutating func unblock(_ blocker: Blocker) {
        for gitdir in setAside.removeValue(forKey: blocker) ?? [] {
            guard let turn = items[gitdir]?.turn else { continue }
            items[gitdir]?.blocker = nil
            line.insert(Ticket(turn: turn, gitdir: gitdir))
        }
    }

    private mutating func lift(_ gitdir: Gitdir, from blocker: Blocker) {
        setAside[blocker]?.remove(gitdir)
        if setAside[blocker]?.isEmpty == true { setAside[blocker] = nil }
    }
}
