import Dispatch
import GrokKit
import Synchronization

/// `/status.json` and `/status/<gitdir>.json`, written straight into bytes
/// (30,000 repositories make a document of several megabytes).
package enum StatusJSON {
    /// The whole document. With many repositories the two halves of
    /// "repos" are written at once on two threads (the first after the
    /// head, in the array reserved for the whole), then joined.
    package static func all(_ view: StatusView, now: Double) -> [UInt8] {
        let rows = view.repositories[...]
        let middle = rows.count >= 1000 ? rows.count / 2 : rows.count
        let parts = Mutex<[[UInt8]]>([[], []])
        DispatchQueue.concurrentPerform(iterations: middle < rows.count ? 2 : 1) { part in
            var out: [UInt8] = []
            if part == 0 {
                out.reserveCapacity(256 + estimatedSize(rows))
                head(view, now: now, into: &out)
                members(rows[..<middle], of: view, first: true, into: &out)
            } else {
                out.reserveCapacity(estimatedSize(rows[middle...]))
                members(rows[middle...], of: view, first: false, into: &out)
            }
            parts.withLock { swap(&$0[part], &out) }
        }
        var (out, rest): ([UInt8], [UInt8]) = ([], [])
        parts.withLock { parts in
            swap(&out, &parts[0])
            swap(&rest, &parts[1])
        }
        out += rest
        out.append(contentsOf: "}}\n".utf8)
        return out
    }

    /// Everything before the first repository.
    static func head(_ view: StatusView, now: Double, into out: inout [UInt8]) {
        out.append(contentsOf: "{\"generated\":".utf8)
        number(now, into: &out)
        out.append(contentsOf: ",\"manifest\":".utf8)
        manifest(view.snapshot, into: &out)
        out.append(contentsOf: ",\"counts\":{".utf8)
        for (position, name) in RepositoryState.names.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            Escape.json(name, into: &out)
            out.append(UInt8(ascii: ":"))
            count(view.counts[name] ?? 0, into: &out)
        }
        out.append(contentsOf: "},\"repos\":{".utf8)
    }

    /// `"gitdir":{...}` of each row, comma-separated (and after a comma
    /// unless `first`).
    static func members(_ rows: ArraySlice<ServedRepository>, of view: StatusView, first: Bool, into out: inout [UInt8]) {
        for (position, row) in rows.enumerated() {
            if position > 0 || !first { out.append(UInt8(ascii: ",")) }
            Escape.json(row.gitdir, into: &out)
            out.append(UInt8(ascii: ":"))
            repository(row, fsckLastCheck: view.fsckLastCheck(row), into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A little over the rows' share of the document, so that 16 MB of
    /// bytes are not copied again and again as the array grows: the fixed
    /// text of a repository's object, and of each push's, plus their
    /// strings.
    static func estimatedSize(_ rows: ArraySlice<ServedRepository>) -> Int {
        rows.reduce(0) { size, row in
            let pushes = row.pushes.reduce(0) { $0 + 150 + $1.destination.utf8.count + ($1.lastError?.utf8.count ?? 0) }
            return size + 360 + row.gitdir.utf8.count + (row.status.lastError?.utf8.count ?? 0) + pushes
        }
    }

    package static func one(_ row: ServedRepository, fsckLastCheck: String?, history: [StatusEvent]) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: "{\"gitdir\":".utf8)
        Escape.json(row.gitdir, into: &out)
        out.append(contentsOf: ",\"status\":".utf8)
        repository(row, fsckLastCheck: fsckLastCheck, into: &out)
        out.append(contentsOf: "},\"history\":[".utf8)
        for (position, event) in history.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "{\"at\":".utf8)
            number(event.at, into: &out)
            for (key, value) in [("tool", event.tool), ("kind", event.kind), ("detail", event.detail)] {
                out.append(contentsOf: ",\"\(key)\":".utf8)
                Escape.json(value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}\n".utf8)
        return out
    }

    static func manifest(_ snapshot: StatusSnapshot, into out: inout [UInt8]) {
        field("{\"last_check\":", snapshot.lastManifestCheck, into: &out)
        field(",\"last_success\":", snapshot.lastSuccessfulManifestCheck, into: &out)
        field(",\"error\":", snapshot.manifestCheckError, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The repository's object, without its closing brace. Keys are
    /// static bytes, not interpolated strings: 30,000 repositories have
    /// over half a million of them.
    static func repository(_ row: ServedRepository, fsckLastCheck: String?, into out: inout [UInt8]) {
        let status = row.status
        raw("{\"state\":", into: &out)
        Escape.json(row.state.name, into: &out)
        field(",\"last_attempt\":", status.lastAttempt, into: &out)
        field(",\"last_success\":", status.lastSuccess, into: &out)
        field(",\"last_failure\":", status.lastFailure, into: &out)
        field(",\"failing_since\":", status.failingSince, into: &out)
        field(",\"behind_since\":", status.behindSince, into: &out)
        field(",\"fetch_seconds\":", status.fetchSeconds, into: &out)
        field(",\"consecutive_failures\":", count: status.consecutiveFailures, into: &out)
        field(",\"last_error\":", status.lastError, into: &out)
        field(",\"fsck_last_check\":", fsckLastCheck, into: &out)
        raw(",\"pushes\":{", into: &out)
        for (position, push) in row.pushes.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            Escape.json(push.destination, into: &out)
            raw(StatusView.isBehind(push, status) ? ":{\"behind\":true" : ":{\"behind\":false", into: &out)
            field(",\"consecutive_failures\":", count: push.consecutiveFailures, into: &out)
            field(",\"last_attempt\":", push.lastAttempt, into: &out)
            field(",\"last_success\":", push.lastSuccess, into: &out)
            field(",\"last_error\":", push.lastError, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `key` (static bytes, with its comma and colon), then the value.
    static func field(_ key: StaticString, _ value: Double?, into out: inout [UInt8]) {
        raw(key, into: &out)
        number(value, into: &out)
    }

    static func field(_ key: StaticString, _ value: String?, into out: inout [UInt8]) {
        raw(key, into: &out)
        string(value, into: &out)
    }

    static func field(_ key: StaticString, count value: Int, into out: inout [UInt8]) {
        raw(key, into: &out)
        count(value, into: &out)
    }

    static func raw(_ text: StaticString, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A count in decimal (negative ones too, though the store has none).
    static func count(_ value: Int, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        integer(UInt64(value.magnitude), into: &out)
    }

    /// Times and durations to the millisecond, without Double's costly
    /// shortest-form printing (30,000 repositories have 270,000 of them).
    static func number(_ value: Double?, into out: inout [UInt8]) {
        guard let value, value.isFinite, abs(value) < 1e15 else { out.append(contentsOf: "null".utf8); return }
        var millis = Int64((value * 1000).rounded())
        if millis < 0 {
            out.append(UInt8(ascii: "-"))
            millis = -millis
        }
        integer(UInt64(millis / 1000), into: &out)
        let fraction = Int(millis % 1000)
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        if fraction % 100 != 0 { out.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10)) }
        if fraction % 10 != 0 { out.append(UInt8(ascii: "0") + UInt8(fraction % 10)) }
    }

    /// An integer in decimal: digits written backwards into a
    /// small buffer (division by a constant 10 is a multiplication).
    static func integer(_ value: UInt64, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    static func string(_ value: String?, into out: inout [UInt8]) {
        guard let value else { out.append(contentsOf: "null".utf8); return }
        Escape.json(value, into: &out)
    }
}
