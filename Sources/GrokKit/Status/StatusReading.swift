/// What grok-serve reads (see `StatusStore`).
extension StatusStore {
    /// Every repository, push and the tools' signs of life, in one read.
    package func snapshot() throws(SQLiteDatabase.Error) -> StatusSnapshot {
        try read { db throws(SQLiteDatabase.Error) in
            var snapshot = StatusSnapshot()
            try db.forEachRow(Self.repositoriesInOrder) { row in snapshot.repositories.append(Self.repository(row)) }
            try db.forEachRow(Self.pushesInOrder) { row in snapshot.pushes.append(Self.push(row)) }
            try readManifestChecks(db, into: &snapshot)
            return snapshot
        }
    }

    /// Every repository in gitdir order with its pushes, read in one pass
    /// and kept by nobody: what grok-serve's pages and metrics are built
    /// from without holding a copy of 30,000 rows (pushes of a gitdir with
    /// no repository row are left out). A pushes' gitdir shares its
    /// repository's string.
    package func forEachRepository(_ body: (RepositoryStatus, [PushStatus]) -> Void) throws(SQLiteDatabase.Error) {
        try read { db throws(SQLiteDatabase.Error) in
            let repositories = try SQLiteDatabase.Statement(db, Self.repositoriesInOrder)
            let pushes = try SQLiteDatabase.Statement(db, Self.pushesInOrder)
            var next = try pushes.step().map(Self.push)
            while let row = try repositories.step() {
                let status = Self.repository(row)
                var own: [PushStatus] = []
                while var push = next, push.gitdir <= status.gitdir {
                    if push.gitdir == status.gitdir {
                        push.gitdir = status.gitdir
                        own.append(push)
                    }
                    next = try pushes.step().map(Self.push)
                }
                body(status, own)
            }
        }
    }

    private static let repositoriesInOrder = """
        SELECT gitdir, last_attempt, last_success, last_failure, last_error, consecutive_failures, failing_since,
               behind_since, fetch_seconds FROM repositories ORDER BY gitdir
        """
    private static let pushesInOrder = """
        SELECT gitdir, destination, last_attempt, last_success, last_error, consecutive_failures FROM pushes ORDER BY gitdir, destination
        """

    private static func repository(_ row: SQLiteDatabase.Row) -> RepositoryStatus {
        var status = RepositoryStatus(gitdir: Gitdir(row.string(0) ?? ""))
        (status.lastAttempt, status.lastSuccess, status.lastFailure) = (row.double(1), row.double(2), row.double(3))
        (status.lastError, status.consecutiveFailures, status.failingSince) = (row.string(4), row.int(5) ?? 0, row.double(6))
        (status.behindSince, status.fetchSeconds) = (row.double(7), row.double(8))
        return status
    }

    private static func push(_ row: SQLiteDatabase.Row) -> PushStatus {
        var push = PushStatus(gitdir: Gitdir(row.string(0) ?? ""), destination: row.string(1) ?? "")
        (push.lastAttempt, push.lastSuccess, push.lastError, push.consecutiveFailures) = (row.double(2), row.double(3), row.string(4), row.int(5) ?? 0)
        return push
    }

    /// The heartbeats and manifest checks alone (a few rows), in an
    /// otherwise empty snapshot: what /healthz needs.
    package func manifestChecks() throws(SQLiteDatabase.Error) -> StatusSnapshot {
        try read { db throws(SQLiteDatabase.Error) in
            var snapshot = StatusSnapshot()
            try readManifestChecks(db, into: &snapshot)
            return snapshot
        }
    }

    private func readManifestChecks(_ db: SQLiteDatabase, into snapshot: inout StatusSnapshot) throws(SQLiteDatabase.Error) {
        try db.forEachRow("SELECT key, value, at FROM meta") { row in
            guard let key = row.string(0) else { return }
            if key.hasPrefix("heartbeat.") { snapshot.heartbeats[String(key.dropFirst(10))] = row.double(2) }
            if key == "manifest.check" { (snapshot.lastManifestCheck, snapshot.manifestCheckError) = (row.double(2), row.string(1)) }
            if key == "manifest.success" { snapshot.lastSuccessfulManifestCheck = row.double(2) }
        }
    }

    /// The repository's history, newest first.
    package func history(_ gitdir: Gitdir, limit: Int = 50) throws(SQLiteDatabase.Error) -> [StatusEvent] {
        try read { db throws(SQLiteDatabase.Error) in
            var events: [StatusEvent] = []
            try db.forEachRow("SELECT at, tool, kind, detail FROM events WHERE gitdir = ?1 ORDER BY id DESC LIMIT ?2",
                              [.text(gitdir.path), .integer(Int64(limit))]) { row in
                events.append(StatusEvent(at: row.double(0) ?? 0, tool: row.string(1) ?? "", kind: row.string(2) ?? "", detail: row.string(3) ?? ""))
            }
            return events
        }
    }
}
