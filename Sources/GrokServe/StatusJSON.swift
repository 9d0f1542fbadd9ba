import GrokKit

/// `/status.json` and `/status/<gitdir>.json`, written straight into bytes
/// (30,000 repositories make a document of several megabytes).
package enum StatusJSON {
    package static func all(_ view: StatusView, now: Double) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + view.repositories.count * 320)
        out += Array("{\"generated\":".utf8)
        number(now, into: &out)
        out += Array(",\"manifest\":".utf8)
        manifest(view.snapshot, into: &out)
        out += Array(",\"counts\":{".utf8)
        for (position, name) in RepositoryState.names.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            Escape.json(name, into: &out)
            out += Array(":\(view.counts[name] ?? 0)".utf8)
        }
        out += Array("},\"repos\":{".utf8)
        for (position, row) in view.repositories.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            Escape.json(row.gitdir, into: &out)
            out.append(UInt8(ascii: ":"))
            repository(row, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out += Array("}}\n".utf8)
        return out
    }

    package static func one(_ row: ServedRepository, history: [StatusEvent]) -> [UInt8] {
        var out = Array("{\"gitdir\":".utf8)
        Escape.json(row.gitdir, into: &out)
        out += Array(",\"status\":".utf8)
        repository(row, into: &out)
        out += Array("},\"history\":[".utf8)
        for (position, event) in history.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out += Array("{\"at\":".utf8)
            number(event.at, into: &out)
            for (key, value) in [("tool", event.tool), ("kind", event.kind), ("detail", event.detail)] {
                out += Array(",\"\(key)\":".utf8)
                Escape.json(value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out += Array("]}\n".utf8)
        return out
    }

    static func manifest(_ snapshot: StatusSnapshot, into out: inout [UInt8]) {
        out += Array("{\"last_check\":".utf8)
        number(snapshot.lastManifestCheck, into: &out)
        out += Array(",\"last_success\":".utf8)
        number(snapshot.lastSuccessfulManifestCheck, into: &out)
        out += Array(",\"error\":".utf8)
        string(snapshot.manifestCheckError, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The repository's object, without its closing brace.
    static func repository(_ row: ServedRepository, into out: inout [UInt8]) {
        let status = row.status
        out += Array("{\"state\":".utf8)
        Escape.json(row.state.name, into: &out)
        let times: [(String, Double?)] = [("last_attempt", status.lastAttempt), ("last_success", status.lastSuccess),
                                          ("last_failure", status.lastFailure), ("failing_since", status.failingSince),
                                          ("behind_since", status.behindSince), ("fetch_seconds", status.fetchSeconds)]
        for (key, value) in times {
            out += Array(",\"\(key)\":".utf8)
            number(value, into: &out)
        }
        out += Array(",\"consecutive_failures\":\(status.consecutiveFailures),\"last_error\":".utf8)
        string(status.lastError, into: &out)
        out += Array(",\"fsck_last_check\":".utf8)
        string(row.fsckLastCheck, into: &out)
        out += Array(",\"pushes\":{".utf8)
        for (position, push) in row.pushes.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            Escape.json(push.destination, into: &out)
            out += Array(":{\"behind\":\(StatusView.isBehind(push, status)),\"consecutive_failures\":\(push.consecutiveFailures)".utf8)
            out += Array(",\"last_attempt\":".utf8)
            number(push.lastAttempt, into: &out)
            out += Array(",\"last_success\":".utf8)
            number(push.lastSuccess, into: &out)
            out += Array(",\"last_error\":".utf8)
            string(push.lastError, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
    }

    static func number(_ value: Double?, into out: inout [UInt8]) {
        guard let value, value.isFinite else { out += Array("null".utf8); return }
        if value == value.rounded(), abs(value) < 1e15 { out += Array(String(Int64(value)).utf8) } else { out += Array("\(value)".utf8) }
    }

    static func string(_ value: String?, into out: inout [UInt8]) {
        guard let value else { out += Array("null".utf8); return }
        Escape.json(value, into: &out)
    }
}
