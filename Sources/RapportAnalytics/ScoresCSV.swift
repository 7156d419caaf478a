import Foundation

/// The scores of `rapport analytics score` as CSV: one row per customer with a purchase, amounts in the unit of the
/// transactions, times in the model's unit.
public enum ScoresCSV {
    /// The header line.
    public static let header = "customer_id,x,t_x,T,monetary_value,p_alive,expected_purchases_30,expected_purchases_90,"
        + "expected_purchases_365,expected_spend,clv\n"

    /// The rows, in customer order, as consecutive pieces of UTF-8 formatted on every core.
    public static func pieces(
        customerIDs: [TransactionsCSV.CustomerKey], scores: [ModelScore?], timeUnitDays: Int
    ) -> [[UInt8]] {
        let unit = Double(timeUnitDays)
        let ranges = Parallel.ranges(count: scores.count, threshold: 2048, chunks: 16)
        var pieces = [[UInt8]](repeating: [], count: ranges.count)
        pieces.withUnsafeMutableBufferPointer { buffer in
            let output = UnsafeSendableBuffer(buffer)
            Parallel.forEachChunk(count: ranges.count, threshold: 0) { chunks in
                for chunk in chunks {
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(ranges[chunk].count * 160)
                    for index in ranges[chunk] {
                        guard let score = scores[index] else { continue }
                        let summary = score.summary
                        switch customerIDs[index] {
                        case .number(let number) where number >= 0: appendDigits(UInt64(number), to: &bytes)
                        case let id: bytes.append(contentsOf: field(id.description).utf8)
                        }
                        func column(_ value: Double) {
                            bytes.append(UInt8(ascii: ","))
                            append(value, to: &bytes)
                        }
                        column(Double(summary.x))
                        column(Double(summary.daysFirstToLast) / unit)
                        column(Double(summary.daysObserved) / unit)
                        column(summary.meanRepeatAmount)
                        column(score.pAlive)
                        column(score.expected30)
                        column(score.expected90)
                        column(score.expected365)
                        column(score.expectedSpend)
                        column(score.clv)
                        bytes.append(UInt8(ascii: "\n"))
                    }
                    output[chunk] = bytes
                }
            }
        }
        return pieces
    }

    /// A number with up to nine decimals, trailing zeros dropped ("395", "0.017400734", "-2.5"): far more precision
    /// than the models have, and several times faster than the shortest exact form. Very large, tiny non-zero or
    /// non-finite values are written in full.
    static func append(_ value: Double, to bytes: inout [UInt8]) {
        let magnitude = abs(value)
        guard value.isFinite, magnitude < 1e9, magnitude == 0 || magnitude >= 1e-4 else {
            bytes.append(contentsOf: "\(value)".utf8)
            return
        }
        let scaled = UInt64((magnitude * 1e9).rounded())
        if value < 0, scaled > 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(scaled / 1_000_000_000, to: &bytes)
        var fraction = scaled % 1_000_000_000
        guard fraction > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var width = 9
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        for position in stride(from: start + width - 1, through: start, by: -1) {
            bytes[position] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
        }
    }

    private static func appendDigits(_ value: UInt64, to bytes: inout [UInt8]) {
        if value >= 10 { appendDigits(value / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// A CSV field, quoted when it must be.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
