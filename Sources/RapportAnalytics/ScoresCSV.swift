import Foundation

/// The scores of `rapport analytics score` as CSV: one row per customer with a purchase, amounts in the unit of the
/// transactions, times in the model's unit.
public enum ScoresCSV {
    /// The header line.
    public static let header = "customer_id,x,t_x,T,monetary_value,p_alive,expected_purchases_30,expected_purchases_90,"
        + "expected_purchases_365,expected_spend,clv\n"

    /// The rows, in customer order, as consecutive pieces of text formatted on every core.
    public static func pieces(customerIDs: [String], scores: [ModelScore?], timeUnitDays: Int) -> [String] {
        let unit = Double(timeUnitDays)
        let ranges = Parallel.ranges(count: scores.count, threshold: 2048, chunks: 16)
        var pieces = [String](repeating: "", count: ranges.count)
        pieces.withUnsafeMutableBufferPointer { buffer in
            let output = UnsafeSendableBuffer(buffer)
            Parallel.forEachChunk(count: ranges.count, threshold: 0) { chunks in
                for chunk in chunks {
                    var text = ""
                    for index in ranges[chunk] {
                        guard let score = scores[index] else { continue }
                        let summary = score.summary
                        text += "\(field(customerIDs[index])),\(summary.x),\(Double(summary.daysFirstToLast) / unit),"
                        text += "\(Double(summary.daysObserved) / unit),\(summary.meanRepeatAmount),\(score.pAlive),"
                        text += "\(score.expected30),\(score.expected90),\(score.expected365),\(score.expectedSpend),"
                        text += "\(score.clv)\n"
                    }
                    output[chunk] = text
                }
            }
        }
        return pieces
    }

    /// A CSV field, quoted when it must be.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
