/// Purchases of many customers in columns, in any order: customer index (0 ..< customerCount), day number and net
/// amount. Refunds are negative amounts; a purchase's own refunds may be netted into it beforehand.
public struct PurchaseColumns: Sendable {
    public private(set) var customer: [Int32] = []
    public private(set) var day: [Int32] = []
    public private(set) var amount: [Double] = []
    /// Customers, including those without purchases.
    public let customerCount: Int

    /// Empty columns for `customerCount` customers.
    public init(customerCount: Int, reservingCapacity capacity: Int = 0) {
        self.customerCount = customerCount
        customer.reserveCapacity(capacity)
        day.reserveCapacity(capacity)
        amount.reserveCapacity(capacity)
    }

    /// Columns made whole: three arrays of equal length.
    public init(customer: [Int32], day: [Int32], amount: [Double], customerCount: Int) {
        precondition(customer.count == day.count && day.count == amount.count, "columns of different lengths")
        precondition(customer.allSatisfy { $0 >= 0 && Int($0) < customerCount }, "customer index out of range")
        self.customer = customer
        self.day = day
        self.amount = amount
        self.customerCount = customerCount
    }

    /// Adds one purchase (or refund).
    public mutating func append(customer index: Int, day: Int, amount: Double) {
        precondition(index >= 0 && index < customerCount, "customer index out of range")
        customer.append(Int32(index))
        self.day.append(Int32(day))
        self.amount.append(amount)
    }

    /// Rows.
    public var count: Int { customer.count }
}

/// Each customer's purchase days up to an end day, ascending, with the day's net amount: what every model reads.
/// Same-day purchases are one purchase day (BG/NBD counts days, not orders), refunds are netted into their day, and a
/// day whose refunds leave nothing is no purchase day.
public struct PurchaseHistories: Sendable {
    /// Customer `i`'s days are `days[offsets[i] ..< offsets[i + 1]]`.
    public let offsets: [Int]
    public let days: [Int32]
    public let amounts: [Double]
    /// The day the histories end (inclusive).
    public let endDay: Int

    /// Groups the columns by customer, keeping days up to `endDay`.
    public init(_ columns: PurchaseColumns, through endDay: Int) {
        let customerCount = columns.customerCount
        var counts = [Int](repeating: 0, count: customerCount + 1)
        for row in 0..<columns.count where Int(columns.day[row]) <= endDay {
            counts[Int(columns.customer[row]) + 1] += 1
        }
        for index in 0..<customerCount { counts[index + 1] += counts[index] }
        var next = counts
        var days = [Int32](repeating: 0, count: counts[customerCount])
        var amounts = [Double](repeating: 0, count: counts[customerCount])
        for row in 0..<columns.count where Int(columns.day[row]) <= endDay {
            let customer = Int(columns.customer[row])
            days[next[customer]] = columns.day[row]
            amounts[next[customer]] = columns.amount[row]
            next[customer] += 1
        }
        // Sort each customer's few rows, merge days and drop days without a positive net, compacting in place.
        var offsets = [Int](repeating: 0, count: customerCount + 1)
        var write = 0
        for customer in 0..<customerCount {
            let range = counts[customer]..<counts[customer + 1]
            offsets[customer] = write
            if range.count > 1, !days[range].isSorted() {
                let sorted = range.map { (days[$0], amounts[$0]) }.sorted { $0.0 < $1.0 }
                for (offset, row) in sorted.enumerated() {
                    days[range.lowerBound + offset] = row.0
                    amounts[range.lowerBound + offset] = row.1
                }
            }
            var read = range.lowerBound
            while read < range.upperBound {
                let day = days[read]
                var total = 0.0
                var refunded = false
                while read < range.upperBound, days[read] == day {
                    total += amounts[read]
                    refunded = refunded || amounts[read] < 0
                    read += 1
                }
                // A zero-amount purchase (a free sample, CDNOW's $0 orders) is still a purchase; a day whose refunds
                // cancel its purchases is not.
                if total > 0 || (total == 0 && !refunded) {
                    days[write] = day
                    amounts[write] = total
                    write += 1
                }
            }
        }
        offsets[customerCount] = write
        days.removeSubrange(write...)
        amounts.removeSubrange(write...)
        self.offsets = offsets
        self.days = days
        self.amounts = amounts
        self.endDay = endDay
    }

    /// Customers, including those without purchases.
    public var customerCount: Int { offsets.count - 1 }

    /// Customer `index`'s purchase days.
    public func range(of index: Int) -> Range<Int> { offsets[index]..<offsets[index + 1] }
}

extension ArraySlice where Element: Comparable {
    func isSorted() -> Bool {
        zip(self, dropFirst()).allSatisfy { $0 <= $1 }
    }
}

/// One customer's (x, t_x, T) and spend, the BG/NBD and Gamma-Gamma inputs, in days.
public struct RepeatSummary: Equatable, Sendable {
    /// Repeat purchase days.
    public let x: Int
    /// Days from the first purchase day to the last.
    public let daysFirstToLast: Int
    /// Days from the first purchase day to the end day.
    public let daysObserved: Int
    /// Mean net amount of the repeat purchase days (0 when x = 0): Gamma-Gamma's value, which leaves the first day out.
    public let meanRepeatAmount: Double

    /// The summary of customer `index`; nil when it has no purchase day.
    public init?(_ histories: PurchaseHistories, customer index: Int) {
        let range = histories.range(of: index)
        guard let first = range.first, let last = range.last else { return nil }
        x = range.count - 1
        daysFirstToLast = Int(histories.days[last] - histories.days[first])
        daysObserved = histories.endDay - Int(histories.days[first])
        var total = 0.0
        for row in range.dropFirst() { total += histories.amounts[row] }
        meanRepeatAmount = x > 0 ? total / Double(x) : 0
    }
}
