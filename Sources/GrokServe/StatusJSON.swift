import GrokKit

/// `/status.json` and `/status/<gitdir>.json`, written straight into bytes
/// (30,000 repositories make a document of several megabytes).
package enum StatusJSON {
    package static func all(_ view: StatusView, now: Double) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + view.repositories.count * 320)
        out.append(contentsOf: "{\"generated\":".utf8)
        number(now, into: &out)
        out.append(contentsOf: ",\"manifest\":".utf8)
        manifest(view.snapshot, into: &out)
        out.append(contentsOf: ",\"counts\":{".utf8)
        for (position, name) in RepositoryState.names.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            Escape.json(name, into: &out)
            out.append(contentsOf: ":\(view.counts[name] ?? 0)".utf8)
        }
        out.append(contentsOf: "},\"repos\":{".utf8)
        for (position, row) in view.repositories.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            Escape.json(row.gitdir, into: &out)
            out.append(UInt8(ascii: ":"))
            repository(row, fsckLastCheck: view.fsckLastCheck(row), into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "}}\n".utf8)
        return out
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
        out.append(contentsOf: "{\"last_check\":".utf8)
        number(snapshot.lastManifestCheck, into: &out)
        out.append(contentsOf: ",\"last_success\":".utf8)
        number(snapshot.lastSuccessfulManifestCheck, into: &out)
        out.append(contentsOf: ",\"error\":".utf8)
        string(snapshot.manifestCheckError, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The repository's object, without its closing brace.
    static func repository(_ row: ServedRepository, fsckLastCheck: String?, into out: inout [UInt8]) {
        let status = row.status
        out.append(contentsOf: "{\"state\":".utf8)
        Escape.json(row.state.name, into: &out)
        let times: [(String, Double?)] = [("last_attempt", status.lastAttempt), ("last_success", status.lastSuccess),
                                          ("last_failure", status.lastFailure), ("failing_since", status.failingSince),
                                          ("behind_since", status.behindSince), ("fetch_seconds", status.fetchSeconds)]
        for (key, value) in times {
            out.append(contentsOf: ",\"\(key)\":".utf8)
            number(value, into: &out)
        }
        out.append(contentsOf: ",\"consecutive_failures\":\(status.consecutiveFailures),\"last_error\":".utf8)
        string(status.lastError, into: &out)
        out.append(contentsOf: ",\"fsck_last_check\":".utf8)
        string(fsckLastCheck, into: &out)
        out.append(contentsOf: ",\"pushes\":{".utf8)
        for (position, push) in row.pushes.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            Escape.json(push.destination, into: &out)
            out.append(contentsOf: ":{\"behind\":\(StatusView.isBehind(push, status)),\"consecutive_failures\":\(push.consecutiveFailures)".utf8)
            out.append(contentsOf: ",\"last_attempt\":".utf8)
            number(push.lastAttempt, into: &out)
            out.append(contentsOf: ",\"last_success\":".utf8)
            number(push.lastSuccess, into: &out)
            out.append(contentsOf: ",\"last_error\":".utf8)
            string(push.lastError, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
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
        integer(millis / 1000, into: &out)
        let fraction = Int(millis % 1000)
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        if fraction % 100 != 0 { out.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10)) }
        if fraction % 10 != 0 { out.append(UInt8(ascii: "0") + UInt8(fraction % 10)) }
    }

    /// A non-negative integer in decimal.
    static func integer(_ value: Int64, into out: inout [UInt8]) {
        var divisor: Int64 = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        } while divisor > 0
    }

    static func string(_ value: String?, into out: inout [UInt8]) {
        guard let value else { out.append(contentsOf: "null".utf8); return }
        Escape.json(value, into: &out)
    }
}
