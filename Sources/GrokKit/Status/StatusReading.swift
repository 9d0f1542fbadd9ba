/// What grok-serve reads (see `StatusStore`).
extension StatusStore {
    /// Every repository, push and the tools' signs of life, in one read.
    package func snapshot() throws(SQLiteDatabase.Error) -> StatusSnapshot {
        try read { db throws(SQLiteDatabase.Error) in
            var snapshot = StatusSnapshot()
            try db.forEachRow("""
                SELECT gitdir, last_attempt, last_success, last_failure, last_error, consecutive_failures, failing_since,
                       behind_since, fetch_seconds FROM repositories ORDER BY gitdir
                """) { row in
                var status = RepositoryStatus(gitdir: Gitdir(row.string(0) ?? ""))
                (status.lastAttempt, status.lastSuccess, status.lastFailure) = (row.double(1), row.double(2), row.double(3))
                (status.lastError, status.consecutiveFailures, status.failingSince) = (row.string(4), row.int(5) ?? 0, row.double(6))
                (status.behindSince, status.fetchSeconds) = (row.double(7), row.double(8))
                snapshot.repositories.append(status)
            }
            // Each repository's gitdir string is shared by its pushes.
            var gitdirs = snapshot.repositories.makeIterator()
            var current = gitdirs.next()?.gitdir
            try db.forEachRow("""
                SELECT gitdir, destination, last_attempt, last_success, last_error, consecutive_failures FROM pushes ORDER BY gitdir, destination
                """) { row in
                var gitdir = Gitdir(row.string(0) ?? "")
                while let known = current, known < gitdir { current = gitdirs.next()?.gitdir }
                if let known = current, known == gitdir { gitdir = known }
                var push = PushStatus(gitdir: gitdir, destination: row.string(1) ?? "")
                (push.lastAttempt, push.lastSuccess, push.lastError, push.consecutiveFailures) = (row.double(2), row.double(3), row.string(4), row.int(5) ?? 0)
                snapshot.pushes.append(push)
            }
            try readManifestChecks(db, into: &snapshot)
            return snapshot
        }
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
