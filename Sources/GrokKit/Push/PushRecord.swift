/// What was last pushed to one destination from one repository, with
/// success: the state a push is skipped against (no git process when
/// nothing changed) and compared with to decide whether to survey first.
package struct PushRecord: Sendable, Equatable {
    /// The repository's refs fingerprint when pushed, as in the manifest.
    package var fingerprint: String
    /// SHA-1 of the destination ref names in scope that were pushed,
    /// sorted: a push whose set of names changed may delete refs, so
    /// `deleteprotect` surveys the destination first.
    package var names: String
    /// `PushDestination.settingsDigest` at the time.
    package var settings: String

    package init(fingerprint: String, names: String, settings: String) {
        self.fingerprint = fingerprint
        self.names = names
        self.settings = settings
    }

    /// Where a repository stands at a destination, given its current record.
    package func isCurrent(fingerprint current: String?, settings currentSettings: String) -> Bool {
        current == fingerprint && currentSettings == settings
    }
}
