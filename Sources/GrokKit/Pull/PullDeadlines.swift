/// When the pull engine must act with no event to wake it, in monotonic
/// seconds, and the one alarm it has set.
struct PullDeadlines {
    /// When jobs put off by another process's lock are tried again.
    var retry: Double?
    /// When paused housekeeping looks at the system load again.
    var housekeepingResume: Double?
    /// When the next manifest check is due (service mode).
    var check: Double?
    /// When systemd's watchdog must next hear from us; nil without one.
    var watchdog: Double?
    /// The alarm set and not gone off yet.
    private var alarm: Double?

    /// The earliest deadline after `now`, when no alarm is set for it or
    /// before it: the caller sets an alarm for it.
    mutating func alarmToSet(now: Double) -> Double? {
        guard let deadline = [retry, housekeepingResume, check, watchdog].compactMap({ $0 }).filter({ $0 > now }).min(),
              alarm.map({ deadline < $0 }) ?? true else { return nil }
        alarm = deadline
        return deadline
    }

    /// An alarm went off; a later one may be set again.
    mutating func alarmWentOff(_ deadline: Double) {
        if deadline == alarm { alarm = nil }
    }
}
