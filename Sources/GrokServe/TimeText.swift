import Glibc

/// Times as the pages show them.
package enum TimeText {
    /// `2026-11-30 10:06:34 UTC`.
    package static func utc(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "—" }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }

    /// `3d 4h`, `2h 5m`, `4m 10s`, `12s`.
    package static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds))
        let (days, hours, minutes, secs) = (total / 86_400, total / 3600 % 24, total / 60 % 60, total % 60)
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(secs)s" }
        return "\(secs)s"
    }

    /// A fetch's length: `0.25 s`, `12.40 s`; a minute or more as `duration`.
    package static func seconds(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 60 else { return duration(seconds.isFinite ? seconds : 0) }
        let hundredths = Int((max(0, seconds) * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
    }
}
