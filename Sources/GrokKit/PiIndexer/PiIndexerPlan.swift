/// Which inboxes a run initializes and which it indexes, from what is on
/// disk (the initialized ones have `msgmap.sqlite3`). grokmirror's order:
/// every new inbox is initialized first, then each inbox indexed in turn.
package struct PiIndexerPlan: Sendable, Equatable {
    package enum Mode: Sendable, Equatable {
        /// `init`: new inboxes are initialized; an inbox already
        /// initialized (a new epoch was cloned) is only indexed.
        case initialize
        /// `update`: initialized inboxes are indexed.
        case update
    }

    package var toInitialize: [InboxLocation] = []
    /// Indexed in this order; an inbox whose init fails is dropped by the run.
    package var toIndex: [InboxLocation] = []
    /// `update` on an inbox not initialized yet (grok-pull runs
    /// post_update_hook on a fresh clone before post_clone_complete_hook
    /// has initialized it): nothing to do, said at info level.
    package var notInitialized: [InboxLocation] = []

    package init() {}

    /// `initialized` holds the inboxes (piInboxdir) that have a msgmap.
    package static func make(_ inboxes: [InboxLocation], initialized: Set<String>, mode: Mode) -> PiIndexerPlan {
        var plan = PiIndexerPlan()
        for inbox in inboxes {
            let ready = initialized.contains(inbox.piInboxdir)
            switch (mode, ready) {
            case (_, true): plan.toIndex.append(inbox)
            case (.initialize, false):
                plan.toInitialize.append(inbox)
                plan.toIndex.append(inbox)
            case (.update, false): plan.notInitialized.append(inbox)
            }
        }
        return plan
    }
}
