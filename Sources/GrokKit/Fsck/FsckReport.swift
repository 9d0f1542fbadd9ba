import Glibc

/// The mail grok-fsck sends when a run logged critical errors: plain text,
/// one message, headers as an MTA expects them.
package struct FsckReport: Sendable {
    package let body: String
    package let from: String
    package let to: String
    package let subject: String

    package init(lines: [String], from: String, to: String, subject: String) {
        body = lines.joined(separator: "\n") + "\n"
        self.from = from
        self.to = to
        self.subject = subject
    }

    /// `grok-fsck errors on <hostname> (<config path>)`, the reference's.
    package static func defaultSubject(hostname: String, configPath: String) -> String {
        "grok-fsck errors on \(hostname) (\(configPath))"
    }

    /// Bare addresses of a header value: `a@x, Name <b@y>` → `a@x`, `b@y`.
    package static func addresses(in header: String) -> [String] {
        header.split(separator: ",").compactMap { part in
            var text = part.trimmingWhitespace()
            if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
                text = String(text[text.index(after: open)..<close]).trimmingWhitespace()
            }
            return text.isEmpty ? nil : text
        }
    }

    /// The RFC 5322 message, CRLF line ends; non-ASCII subjects are
    /// RFC 2047-encoded and overlong body lines wrapped at 998 bytes.
    package func message(date: time_t, hostname: String, uniqueID: String) -> [UInt8] {
        let ascii = body.utf8.allSatisfy { $0 < 0x80 }
        var headers = [
            "From: \(from)",
            "To: \(to)",
            "Subject: \(Self.encodedHeaderValue(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(uniqueID)@\(hostname)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=\"utf-8\"",
        ]
        headers.append("Content-Transfer-Encoding: \(ascii ? "7bit" : "8bit")")
        var out = Array((headers.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        for line in body.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            var bytes = Array(line.utf8)
            while bytes.count > 998 {
                out += bytes.prefix(998) + [0x0D, 0x0A]
                bytes.removeFirst(998)
            }
            out += bytes + [0x0D, 0x0A]
        }
        return out
    }

    static func encodedHeaderValue(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        return "=?utf-8?b?" + Base64.encode(Array(text.utf8)) + "?="
    }

    /// `Sun, 22 Nov 2026 10:00:00 +0100` in local time.
    static func rfc5322Date(_ date: time_t) -> String {
        var seconds = date
        var parts = tm()
        localtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let offset = parts.tm_gmtoff / 60
        let zone = (offset < 0 ? "-" : "+") + pad(abs(offset) / 60) + pad(abs(offset) % 60)
        return "\(days[Int(parts.tm_wday)]), \(pad(Int(parts.tm_mday))) \(months[Int(parts.tm_mon)]) \(Int(parts.tm_year) + 1900) "
            + "\(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min))):\(pad(Int(parts.tm_sec))) \(zone)"
    }
}
