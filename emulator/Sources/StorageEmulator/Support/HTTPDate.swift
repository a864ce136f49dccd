import Foundation

/// The two date formats on Azure's wire: RFC 1123 in headers, ISO 8601 with seven
/// fractional digits in bodies and SAS tokens. Implemented over libc (`gmtime_r`,
/// `timegm`) because they sit on every response's hot path.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Tue, 25 Nov 2026 08:00:00 GMT`
    static func rfc1123(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return "\(days[Int(parts.tm_wday)]), \(pad(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)) GMT"
    }

    /// `2026-11-25T08:00:00.1234567Z`
    static func iso8601(_ date: Date, fractionDigits: Int = 7) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text = "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))"
        if fractionDigits > 0 {
            let scale = pow(10.0, Double(fractionDigits))
            let fraction = min(Int(((interval - Double(seconds)) * scale).rounded(.down)), Int(scale) - 1)
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: fractionDigits - digits.count) + digits
        }
        return text + "Z"
    }

    /// Parses RFC 1123 (`Tue, 25 Nov 2026 08:00:00 GMT`), the only format Azure accepts in conditional headers.
    static func parseRFC1123(_ text: String) -> Date? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[5] == "GMT" || fields[5] == "UTC",
            let day = Int32(fields[1]), let monthIndex = months.firstIndex(of: String(fields[2])),
            let year = Int32(fields[3])
        else { return nil }
        let clock = fields[4].split(separator: ":")
        guard clock.count == 3, let hour = Int32(clock[0]), let minute = Int32(clock[1]), let second = Int32(clock[2])
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = Int32(monthIndex)
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// Parses the ISO 8601 forms Azure accepts in SAS tokens and bodies: `2026-11-25` (midnight UTC),
    /// `2026-11-25T08:00Z`, `2026-11-25T08:00:00Z` and with up to seven fractional digits, with `Z` or
    /// a `±hh:mm` offset. One parser for the whole emulator: `EdmDateTime`'s, which checks every field.
    static func parseISO8601(_ text: String) -> Date? {
        let full = text.utf8.count == 10 ? text + "T00:00Z" : text
        return EdmDateTime(parsing: full).map { Date(timeIntervalSince1970: Double($0.ticks) / Double(EdmDateTime.ticksPerSecond)) }
    }

    private static func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
