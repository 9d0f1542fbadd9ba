/// What grok-dumb-pull did with one repository.
package struct DumbPullOutcome: Sendable, Equatable {
    /// Its refs fingerprint differs after the fetches.
    package var changed = false
    /// Another process held its lock; nothing was done (not a failure).
    package var locked = false
    /// One message per thing that failed: a fetch, a push, reading refs.
    package var failures: [String] = []

    package init(changed: Bool = false, locked: Bool = false, failures: [String] = []) {
        self.changed = changed
        self.locked = locked
        self.failures = failures
    }
}
