import Glibc
import Logging
import Synchronization

/// The mirror's status database (SQLite in WAL mode, beside the local
/// manifest as `.<manifest>.status.sqlite`): grok-pull and grok-push write
/// what happened to each repository, grok-serve reads it while they write.
/// A crash loses at most the transaction in progress; each repository's
/// history is kept to its last `historyLimit` events.
///
/// Recording status must never stop the mirroring: a write that fails is
/// logged once per process (a warning) and dropped.
package final class StatusStore: Sendable {
    package let path: String
    package let historyLimit: Int
    private let database: Mutex<SQLiteDatabase?>
    private let logger: Logger?
    private let warned = Atomic<Bool>(false)

    package static func path(forLocalManifest manifest: String) -> String {
        PathUtilities.hiddenSibling(of: manifest, suffix: ".status.sqlite")
    }

    /// Opens or creates the database for writing; nil (logged) when it cannot.
    package static func openForWriting(path: String, historyLimit: Int = 50, logger: Logger) -> StatusStore? {
        do {
            let database = try SQLiteDatabase(path: path, readOnly: false)
            try database.execute(Self.schema)
            database.persistWAL()
            return StatusStore(path: path, database: database, historyLimit: historyLimit, logger: logger)
        } catch {
            logger.warning("Not recording status: \(error)")
            return nil
        }
    }

    /// Opens an existing database without writing to it (grok-serve).
    package static func openForReading(path: String) throws(SQLiteDatabase.Error) -> StatusStore {
        StatusStore(path: path, database: try SQLiteDatabase(path: path, readOnly: true), historyLimit: 0, logger: nil)
    }

    private init(path: String, database: SQLiteDatabase, historyLimit: Int, logger: Logger?) {
        self.path = path
        self.historyLimit = historyLimit
        self.database = Mutex(database)
        self.logger = logger
    }

    static let schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS repositories (
            gitdir TEXT PRIMARY KEY, last_attempt REAL, last_success REAL, last_failure REAL, last_error TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0, failing_since REAL, behind_since REAL, fetch_seconds REAL);
        CREATE TABLE IF NOT EXISTS pushes (
            gitdir TEXT NOT NULL, destination TEXT NOT NULL, last_attempt REAL, last_success REAL, last_error TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (gitdir, destination));
        CREATE TABLE IF NOT EXISTS events (
            id INTEGER PRIMARY KEY AUTOINCREMENT, gitdir TEXT NOT NULL, at REAL NOT NULL, tool TEXT NOT NULL,
            kind TEXT NOT NULL, detail TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS events_by_repository ON events (gitdir, id);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT, at REAL);
        """

    /// Runs `body` on the connection in one transaction; a failure is
    /// logged (once) and dropped.
    func write(_ body: (SQLiteDatabase) throws(SQLiteDatabase.Error) -> Void) {
        database.withLock { database in
            guard let database else { return }
            do {
                try database.transaction { () throws(SQLiteDatabase.Error) in try body(database) }
            } catch {
                if !warned.exchange(true, ordering: .relaxed) { logger?.warning("Could not record status: \(error)") }
            }
        }
    }

    /// Runs `body` on the connection in one read transaction.
    func read<T>(_ body: (SQLiteDatabase) throws(SQLiteDatabase.Error) -> T) throws(SQLiteDatabase.Error) -> T {
        try database.withLock { (database) throws(SQLiteDatabase.Error) -> T in
            guard let database else { throw SQLiteDatabase.Error(path: path, message: "closed") }
            try database.execute("BEGIN")
            defer { try? database.execute("COMMIT") }
            return try body(database)
        }
    }

    /// Now, in Unix seconds with sub-second precision.
    package static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
