import Glibc

/// A calendar day in local time, written `YYYY-MM-DD` as grok-fsck's
/// statusfile holds it; ISO order is date order.
package struct CheckDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let year: Int
    package let month: Int
    package let day: Int

    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    package init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    package static func today() -> CheckDate {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return CheckDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))!
    }

    /// Calendar arithmetic in UTC at noon, so no DST shift can skip a day.
    package func adding(days: Int) -> CheckDate {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = 12
        var seconds = timegm(&parts) + days * 86_400
        var result = tm()
        gmtime_r(&seconds, &result)
        return CheckDate(year: Int(result.tm_year) + 1900, month: Int(result.tm_mon) + 1, day: Int(result.tm_mday))!
    }

    package var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    package static func < (a: CheckDate, b: CheckDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// When repositories are checked: new ones are spread over the first
/// `frequency` days so a fresh tree does not check everything at once.
package enum FsckSchedule {
    /// A repository just found: a random day within `frequency` days, or
    /// today with `--force`.
    package static func firstCheck<R: RandomNumberGenerator>(today: CheckDate, frequency: Int, force: Bool, using random: inout R) -> CheckDate {
        force ? today : today.adding(days: Int.random(in: 0...frequency, using: &random))
    }

    /// After a check: `frequency` days on, or a random 1...frequency days with
    /// `--force`, which re-spreads a tree whose checks were all forced today.
    package static func nextCheck<R: RandomNumberGenerator>(today: CheckDate, frequency: Int, force: Bool, using random: inout R) -> CheckDate {
        today.adding(days: force ? Int.random(in: 1...frequency, using: &random) : frequency)
    }
}
