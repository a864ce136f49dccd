/// An `Edm.DateTime`: a UTC instant with Azure's precision of 100 ns ticks, counted from the
/// Unix epoch so that comparisons, sorting and storage are plain integer operations.
///
/// Parsing and formatting are done by hand on the civil calendar (no `Date`, no `timegm`) so a
/// value round-trips to the tick, for every year from 0001 to 9999.
package struct EdmDateTime: Sendable, Hashable, Comparable {
    /// 100 ns units since 1970-01-01T00:00:00Z; negative before the epoch.
    package var ticks: Int64

    package static let ticksPerSecond: Int64 = 10_000_000
    static let ticksPerDay: Int64 = 86_400 * ticksPerSecond
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.9999999Z, the range .NET (and so Azure) accepts.
    package static let minimum = EdmDateTime(ticks: -62_135_596_800 * ticksPerSecond)
    package static let maximum = EdmDateTime(ticks: 253_402_300_800 * ticksPerSecond - 1)

    package init(ticks: Int64) { self.ticks = ticks }

    package static func < (lhs: EdmDateTime, rhs: EdmDateTime) -> Bool { lhs.ticks < rhs.ticks }

    /// Parses `yyyy-MM-ddTHH:mm[:ss[.fffffff]][Z|±hh:mm]`; a value without a zone is UTC, as Azure reads it.
    /// Digits past the seventh fractional place are dropped (Azure keeps 100 ns).
    package init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += count
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), take(45), let month = digits(2), take(45), let day = digits(2),
            take(84) || take(116), let hour = digits(2), take(58), let minute = digits(2)
        else { return nil }
        var second: Int64 = 0
        var fraction: Int64 = 0
        if take(58) {
            guard let value = digits(2) else { return nil }
            second = value
            if take(46) {
                var scale: Int64 = 1_000_000
                var count = 0
                while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                    if scale > 0 { fraction += Int64(bytes[index] - 48) * scale }
                    scale /= 10
                    index += 1
                    count += 1
                }
                guard count > 0 else { return nil }
            }
        }
        var offset: Int64 = 0
        if take(90) || take(122) {
            // UTC
        } else if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 {
            let sign: Int64 = bytes[index] == 43 ? 1 : -1
            index += 1
            guard let hours = digits(2), take(58), let minutes = digits(2), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count, year >= 1, (1...12).contains(month), day >= 1,
            day <= Self.daysInMonth(year: year, month: month), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        let value = EdmDateTime(ticks: seconds * Self.ticksPerSecond + fraction)
        guard value >= .minimum, value <= .maximum else { return nil }
        self = value
    }

    /// `2026-11-25T08:00:00Z`, or with the fraction trimmed of trailing zeros (`…00.5Z`, `…00.1234567Z`).
    package var iso8601: String { format(fixedDigits: false) }

    /// Always seven fractional digits, as Azure writes `Timestamp`.
    package var iso8601Full: String { format(fixedDigits: true) }

    private func format(fixedDigits: Bool) -> String {
        let (days, remainder) = ticks.floorDivided(by: Self.ticksPerDay)
        let (year, month, day) = Self.civil(fromDays: days)
        let seconds = remainder / Self.ticksPerSecond
        let fraction = remainder % Self.ticksPerSecond
        var text = Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2) + "T"
        text += Self.pad(seconds / 3600, 2) + ":" + Self.pad(seconds / 60 % 60, 2) + ":" + Self.pad(seconds % 60, 2)
        if fixedDigits || fraction != 0 {
            var digits = Self.pad(fraction, 7)
            if !fixedDigits { while digits.hasSuffix("0") { digits.removeLast() } }
            text += "." + digits
        }
        return text + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, with a non-negative remainder.
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var quotient = self / divisor
        var remainder = self % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }
}
