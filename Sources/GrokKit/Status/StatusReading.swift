/// What grok-serve reads (see `StatusStore`).
extension StatusStore {
    /// Every repository, push and the tools' signs of life, in one read.
    package func snapshot() throws(SQLiteDatabase.Error) -> StatusSnapshot {
        try read { db throws(SQLiteDatabase.Error) in
            var snapshot = StatusSnapshot()
            for row in try db.query("""
                SELECT gitdir, last_attempt, last_success, last_failure, last_error, consecutive_failures, failing_since,
                       behind_since, fetch_seconds FROM repositories ORDER BY gitdir
                """) {
                var status = RepositoryStatus(gitdir: Gitdir(row[0].string ?? ""))
                (status.lastAttempt, status.lastSuccess, status.lastFailure) = (row[1].double, row[2].double, row[3].double)
                (status.lastError, status.consecutiveFailures, status.failingSince) = (row[4].string, row[5].int ?? 0, row[6].double)
                (status.behindSince, status.fetchSeconds) = (row[7].double, row[8].double)
                snapshot.repositories.append(status)
            }
            for row in try db.query("""
                SELECT gitdir, destination, last_attempt, last_success, last_error, consecutive_failures FROM pushes ORDER BY gitdir, destination
                """) {
                var push = PushStatus(gitdir: Gitdir(row[0].string ?? ""), destination: row[1].string ?? "")
                (push.lastAttempt, push.lastSuccess, push.lastError, push.consecutiveFailures) = (row[2].double, row[3].double, row[4].string, row[5].int ?? 0)
                snapshot.pushes.append(push)
            }
            for row in try db.query("SELECT key, value, at FROM meta") {
                guard let key = row[0].string else { continue }
                if key.hasPrefix("heartbeat.") { snapshot.heartbeats[String(key.dropFirst(10))] = row[2].double }
                if key == "manifest.check" { (snapshot.lastManifestCheck, snapshot.manifestCheckError) = (row[2].double, row[1].string) }
                if key == "manifest.success" { snapshot.lastSuccessfulManifestCheck = row[2].double }
            }
            return snapshot
        }
    }

    /// The repository's history, newest first.
    package func history(_ gitdir: Gitdir, limit: Int = 50) throws(SQLiteDatabase.Error) -> [StatusEvent] {
        try read { db throws(SQLiteDatabase.Error) in
            try db.query("SELECT at, tool, kind, detail FROM events WHERE gitdir = ?1 ORDER BY id DESC LIMIT ?2",
                         [.text(gitdir.path), .integer(Int64(limit))]).map { row in
                StatusEvent(at: row[0].double ?? 0, tool: row[1].string ?? "", kind: row[2].string ?? "", detail: row[3].string ?? "")
            }
        }
    }
}
