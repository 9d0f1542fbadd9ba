/// What the status store knows of one repository. Times are Unix seconds.
package struct RepositoryStatus: Sendable, Equatable {
    package var gitdir: Gitdir
    package var lastAttempt: Double?
    package var lastSuccess: Double?
    package var lastFailure: Double?
    /// The last failure's message (credentials already blanked out).
    package var lastError: String?
    package var consecutiveFailures = 0
    /// When the current run of failures began; nil while it succeeds.
    package var failingSince: Double?
    /// Since when the origin's manifest has had a state this copy lacks;
    /// nil when it is current.
    package var behindSince: Double?
    /// Seconds the last fetch (or clone) took.
    package var fetchSeconds: Double?

    package init(gitdir: Gitdir) { self.gitdir = gitdir }
}

/// What the status store knows of one repository at one push destination.
package struct PushStatus: Sendable, Equatable {
    package var gitdir: Gitdir
    package var destination: String
    package var lastAttempt: Double?
    package var lastSuccess: Double?
    package var lastError: String?
    package var consecutiveFailures = 0

    package init(gitdir: Gitdir, destination: String) {
        self.gitdir = gitdir
        self.destination = destination
    }
}

/// One entry of a repository's history.
package struct StatusEvent: Sendable, Equatable {
    /// Unix seconds.
    package var at: Double
    /// `pull` or `push`.
    package var tool: String
    /// `cloned`, `fetched`, `updated`, `failed`, `pushed`, `push failed`, `purged`.
    package var kind: String
    package var detail: String

    package init(at: Double, tool: String, kind: String, detail: String) {
        self.at = at
        self.tool = tool
        self.kind = kind
        self.detail = detail
    }
}

/// Everything grok-serve shows, read in one transaction.
package struct StatusSnapshot: Sendable, Equatable {
    package var repositories: [RepositoryStatus] = []
    package var pushes: [PushStatus] = []
    /// The last sign of life of each tool (`pull`, `push`), Unix seconds.
    package var heartbeats: [String: Double] = [:]
    package var lastManifestCheck: Double?
    package var lastSuccessfulManifestCheck: Double?
    /// Why the last manifest check failed; nil when it succeeded.
    package var manifestCheckError: String?

    package init() {}

    /// Each repository with its pushes, as `StatusStore.forEachRepository`
    /// hands them over (both arrays are in gitdir order, as `snapshot()`
    /// reads them).
    package func forEachRepository(_ body: (RepositoryStatus, [PushStatus]) -> Void) {
        var next = pushes.startIndex
        for status in repositories {
            while next < pushes.endIndex, pushes[next].gitdir < status.gitdir { next += 1 }
            let first = next
            while next < pushes.endIndex, pushes[next].gitdir == status.gitdir { next += 1 }
            body(status, Array(pushes[first..<next]))
        }
    }
}
