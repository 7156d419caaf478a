import Foundation
import RapportCore
import SQLKit

/// A position in a newest-first list ordered by `occurred_at`, then `id` (a customer's transactions or
/// interactions): rows strictly older than it come next.
public struct RowPosition: Equatable, Sendable {
    public let occurredAt: Date
    public let id: UUID

    /// The position of a row.
    public init(occurredAt: Date, id: UUID) {
        self.occurredAt = occurredAt
        self.id = id
    }

    /// Decodes an API cursor; nil when it is not one.
    public init?(cursor: String) {
        guard let values = PageCursor.decode(cursor, count: 3) else { return nil }
        occurredAt = Date(timeIntervalSince1970: Double(values[0]) / 1000)
        var bytes = [UInt8](repeating: 0, count: 16)
        for (half, value) in values[1...2].enumerated() {
            for index in 0..<8 { bytes[half * 8 + index] = UInt8(truncatingIfNeeded: UInt64(bitPattern: value) >> (56 - 8 * index)) }
        }
        id = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                         bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// The API cursor for this position.
    public var cursor: String {
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        func half(_ offset: Int) -> Int64 {
            Int64(bitPattern: bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) })
        }
        return PageCursor.encode([Int64((occurredAt.timeIntervalSince1970 * 1000).rounded()), half(0), half(8)])
    }

    /// Keeps the rows after this position.
    func restrict(_ query: SQLSelectBuilder) {
        query.where { group in
            group.where("occurred_at", .lessThan, occurredAt).orWhere { tie in
                tie.where("occurred_at", .equal, occurredAt).where("id", .lessThan, id)
            }
        }
    }
}

extension RowPosition {
    /// A newest-first page of one customer's rows of `table` (transactions or interactions), after `position`.
    static func page(
        of table: String, columns: [String], customerID: UUID, after position: RowPosition?, limit: Int,
        on sql: any SQLDatabase
    ) async throws -> [any SQLRow] {
        let query = sql.select().columns(columns.map { SQLColumn($0) }).from(table).where("customer_id", .equal, customerID)
        position?.restrict(query)
        return try await query.orderBy("occurred_at", .descending).orderBy("id", .descending).limit(limit).all()
    }
}
