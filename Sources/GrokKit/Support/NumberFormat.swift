/// grokmirror's number formats for log lines, without Foundation.
enum NumberFormat {
    /// `%0.2f` of a non-negative value: `12.50`.
    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// grokmirror's sizes: `12.50 MiB` from KiB.
    static func humanSize(_ kibibytes: Int) -> String {
        var value = Double(kibibytes)
        for unit in ["Ki", "Mi", "Gi"] {
            if abs(value) < 1024 { return "\(twoDecimals(value)) \(unit)B" }
            value /= 1024
        }
        return "\(twoDecimals(value)) TiB"
    }
}
