/// What grok-pull and grok-push record (see `StatusStore`). Every call is
/// one transaction; `at` is Unix seconds.
extension StatusStore {
    /// A job on the repository began.
    package func started(_ gitdir: Gitdir, at: Double = now()) {
        write { db throws(SQLiteDatabase.Error) in
            try db.query("INSERT INTO repositories (gitdir, last_attempt) VALUES (?1, ?2) ON CONFLICT (gitdir) DO UPDATE SET last_attempt = ?2",
                         [.text(gitdir.path), .real(at)])
        }
    }

    /// The repository was brought up to date (`kind`: cloned, fetched,
    /// updated); `fetchSeconds` when it was fetched.
    package func succeeded(_ gitdir: Gitdir, kind: String, fetchSeconds: Double?, at: Double = now()) {
        write { db throws(SQLiteDatabase.Error) in
            try db.query("""
                INSERT INTO repositories (gitdir, last_attempt, last_success, fetch_seconds) VALUES (?1, ?2, ?2, ?3)
                ON CONFLICT (gitdir) DO UPDATE SET last_success = ?2, consecutive_failures = 0, failing_since = NULL,
                    behind_since = NULL, fetch_seconds = coalesce(?3, fetch_seconds)
                """, [.text(gitdir.path), .real(at), .optional(fetchSeconds)])
            try addEvent(db, gitdir, StatusEvent(at: at, tool: "pull", kind: kind, detail: fetchSeconds.map { "\(Self.seconds($0)) s" } ?? ""))
        }
    }

    package func failed(_ gitdir: Gitdir, error: String, at: Double = now()) {
        write { db throws(SQLiteDatabase.Error) in
            try db.query("""
                INSERT INTO repositories (gitdir, last_attempt, last_failure, last_error, consecutive_failures, failing_since)
                VALUES (?1, ?2, ?2, ?3, 1, ?2)
                ON CONFLICT (gitdir) DO UPDATE SET last_failure = ?2, last_error = ?3, consecutive_failures = consecutive_failures + 1,
                    failing_since = coalesce(failing_since, ?2)
                """, [.text(gitdir.path), .real(at), .text(error)])
            try addEvent(db, gitdir, StatusEvent(at: at, tool: "pull", kind: "failed", detail: error))
        }
    }

    /// The origin's manifest has a state of these repositories this copy
    /// lacks; the first time it was seen is kept.
    package func behind(_ gitdirs: [Gitdir], at: Double = now()) {
        guard !gitdirs.isEmpty else { return }
        write { db throws(SQLiteDatabase.Error) in
            for gitdir in gitdirs {
                try db.query("""
                    INSERT INTO repositories (gitdir, behind_since) VALUES (?1, ?2)
                    ON CONFLICT (gitdir) DO UPDATE SET behind_since = coalesce(behind_since, ?2)
                    """, [.text(gitdir.path), .real(at)])
            }
        }
    }

    /// One push to one destination ended: `error` nil when it succeeded.
    package func pushed(_ gitdir: Gitdir, destination: String, error: String?, at: Double = now()) {
        write { db throws(SQLiteDatabase.Error) in
            try db.query("""
                INSERT INTO pushes (gitdir, destination, last_attempt, last_success, last_error, consecutive_failures)
                VALUES (?1, ?2, ?3, CASE WHEN ?4 IS NULL THEN ?3 END, ?4, CASE WHEN ?4 IS NULL THEN 0 ELSE 1 END)
                ON CONFLICT (gitdir, destination) DO UPDATE SET last_attempt = ?3,
                    last_success = CASE WHEN ?4 IS NULL THEN ?3 ELSE last_success END, last_error = ?4,
                    consecutive_failures = CASE WHEN ?4 IS NULL THEN 0 ELSE consecutive_failures + 1 END
                """, [.text(gitdir.path), .text(destination), .real(at), .optional(error)])
            try addEvent(db, gitdir, StatusEvent(at: at, tool: "push", kind: error == nil ? "pushed" : "push failed",
                                                 detail: destination + (error.map { ": " + $0 } ?? "")))
        }
    }

    /// Purged repositories leave the store.
    package func forget(_ gitdirs: [Gitdir]) {
        guard !gitdirs.isEmpty else { return }
        write { db throws(SQLiteDatabase.Error) in
            for gitdir in gitdirs {
                for table in ["repositories", "pushes", "events"] { try db.query("DELETE FROM \(table) WHERE gitdir = ?1", [.text(gitdir.path)]) }
            }
        }
    }

    /// A sign of life of `tool` (`pull`, `push`).
    package func heartbeat(_ tool: String, at: Double = now()) {
        write { db throws(SQLiteDatabase.Error) in
            try db.query("INSERT INTO meta (key, value, at) VALUES (?1, NULL, ?2) ON CONFLICT (key) DO UPDATE SET at = ?2",
                         [.text("heartbeat." + tool), .real(at)])
        }
    }

    /// A look at the origin's manifest ended: `error` nil when it worked
    /// (changed or not).
    package func manifestChecked(error: String?, at: Double = now()) {
        write { db throws(SQLiteDatabase.Error) in
            try db.query("INSERT INTO meta (key, value, at) VALUES ('manifest.check', ?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?1, at = ?2",
                         [.optional(error), .real(at)])
            if error == nil {
                try db.query("INSERT INTO meta (key, value, at) VALUES ('manifest.success', NULL, ?1) ON CONFLICT (key) DO UPDATE SET at = ?1",
                             [.real(at)])
            }
        }
    }

    /// Appends to the repository's history and drops what is beyond `historyLimit`.
    private func addEvent(_ db: SQLiteDatabase, _ gitdir: Gitdir, _ event: StatusEvent) throws(SQLiteDatabase.Error) {
        try db.query("INSERT INTO events (gitdir, at, tool, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                     [.text(gitdir.path), .real(event.at), .text(event.tool), .text(event.kind), .text(event.detail)])
        try db.query("""
            DELETE FROM events WHERE gitdir = ?1 AND id <= (SELECT id FROM events WHERE gitdir = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)
            """, [.text(gitdir.path), .integer(Int64(historyLimit))])
    }

    private static func seconds(_ value: Double) -> String { String(Double(Int(value * 100)) / 100) }
}
