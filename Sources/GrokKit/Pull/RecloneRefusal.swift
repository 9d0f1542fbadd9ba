/// What grok-pull tells the admin when it will not carry out a reclone
/// grok-fsck (or anyone) requested with `grokmirror.reclone` (pure).
///
/// Why: the marker is left in place, since only the admin can tell whether
/// the repository was repaired or its borrowers made independent; the
/// repository is fetched instead so the mirror stays current, and the run
/// exits 1 so cron or systemd notice. One line per run says all of that.
package enum RecloneRefusal {
    /// The error line for `repository` (its full path), which
    /// `RepositoryDeletion` refused to delete because of `why`; `lends` is
    /// whether other repositories borrow objects from it, in which case the
    /// admin is also told how to make them independent.
    package static func message(repository: String, why: String, lends: Bool) -> String {
        let marker = repository + "/" + MarkerFile.reclone
        var text = "Not recloning \(repository): \(why); fetching it instead. Remove \(marker) once the repository is repaired"
        if lends {
            text += ", or make each borrower independent (git repack -a -d in it, then delete its objects/info/alternates)"
                + " so that the next run may reclone it"
        }
        return text
    }
}
