import CSQLite

/// One connection to an SQLite database through the system libsqlite3: the
/// few calls the status store needs (statements with bound values, rows as
/// columns), each failure an `Error` naming the file. Not thread-safe by
/// itself (opened without SQLite's own mutex): `StatusStore` uses it only
/// under its lock, hence the unchecked `Sendable`.
package final class SQLiteDatabase: @unchecked Sendable {
    let path: String
    private var handle: OpaquePointer?

    package struct Error: Swift.Error, CustomStringConvertible {
        let path: String
        let message: String
        package var description: String { "status database \(path): \(message)" }
    }

    /// A value to bind or read.
    enum Value: Equatable {
        case null, integer(Int64), real(Double), text(String)
    }

    /// Opens (`readOnly`: without creating or writing) and sets a busy
    /// timeout, so a reader waits out a writer's checkpoint instead of failing.
    init(path: String, readOnly: Bool) throws(Error) {
        self.path = path
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        guard sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            handle = nil
            throw Error(path: path, message: message)
        }
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit { sqlite3_close(handle) }

    /// Keeps the -wal and -shm files after the last connection closes, so
    /// a read-only reader (grok-serve, with the mirror read-only) can
    /// always open the database.
    func persistWAL() {
        var on: Int32 = 1
        sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &on)
    }

    /// Runs one or more statements without values or results.
    func execute(_ sql: String) throws(Error) {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw failure() }
    }

    /// Runs one statement with `values` bound in order: a write, whose
    /// rows (if any) are not read.
    func query(_ sql: String, _ values: [Value] = []) throws(Error) {
        try forEachRow(sql, values) { _ in }
    }

    /// One row of a statement being stepped, read in place: a 30,000-row
    /// read makes no array per row. Valid only inside `forEachRow`'s body.
    struct Row {
        fileprivate let statement: OpaquePointer?

        func double(_ column: Int32) -> Double? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_double(statement, column)
        }
        func int(_ column: Int32) -> Int? {
            sqlite3_column_type(statement, column) == SQLITE_INTEGER ? Int(sqlite3_column_int64(statement, column)) : nil
        }
        func string(_ column: Int32) -> String? {
            sqlite3_column_type(statement, column) == SQLITE_TEXT ? String(cString: sqlite3_column_text(statement, column)) : nil
        }
    }

    /// Runs one statement with `values` bound in order, calling `body` for
    /// each row it returns.
    func forEachRow(_ sql: String, _ values: [Value] = [], _ body: (Row) throws(Error) -> Void) throws(Error) {
        let statement = try Statement(self, sql, values)
        while let row = try statement.step() { try body(row) }
    }

    /// A statement stepped by hand, so that two ordered reads can be merged
    /// row by row on one connection. Finalized when released.
    final class Statement {
        private let database: SQLiteDatabase
        private var handle: OpaquePointer?

        init(_ database: SQLiteDatabase, _ sql: String, _ values: [Value] = []) throws(Error) {
            self.database = database
            guard sqlite3_prepare_v2(database.handle, sql, -1, &handle, nil) == SQLITE_OK else { throw database.failure() }
            for (index, value) in values.enumerated() { database.bind(value, at: Int32(index + 1), in: handle) }
        }

        deinit { sqlite3_finalize(handle) }

        /// The next row (valid until the next step), or nil after the last.
        func step() throws(Error) -> Row? {
            switch sqlite3_step(handle) {
            case SQLITE_ROW: return Row(statement: handle)
            case SQLITE_DONE: return nil
            default: throw database.failure()
            }
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    func transaction<T>(_ body: () throws(Error) -> T) throws(Error) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    fileprivate func bind(_ value: Value, at index: Int32, in statement: OpaquePointer?) {
        switch value {
        case .null: sqlite3_bind_null(statement, index)
        case .integer(let number): sqlite3_bind_int64(statement, index, number)
        case .real(let number): sqlite3_bind_double(statement, index, number)
        case .text(let text): sqlite3_bind_text(statement, index, text, -1, grok_sqlite_transient())
        }
    }

    fileprivate func failure() -> Error { Error(path: path, message: String(cString: sqlite3_errmsg(handle))) }
}

extension SQLiteDatabase.Value {
    static func optional(_ number: Double?) -> Self { number.map { .real($0) } ?? .null }
    static func optional(_ text: String?) -> Self { text.map { .text($0) } ?? .null }
}
