import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Reads and writes rows of `interactions`.
enum InteractionRows {
    static let columns = [
        "id", "customer_id", "channel", "direction", "occurred_at", "recorded_at", "subject", "notes", "outcome",
        "duration_seconds", "quality", "user_id",
    ]

    static func decode(_ row: any SQLRow) throws -> Interaction {
        let id = try row.decode(column: "id", as: UUID.self)
        guard let channel = InteractionChannel(rawValue: try row.decode(column: "channel", as: String.self)),
            let direction = InteractionDirection(rawValue: try row.decode(column: "direction", as: String.self))
        else { throw StoreError.corrupt("interaction \(id) has a malformed row") }
        let input = InteractionInput(
            customerID: try row.decode(column: "customer_id", as: UUID.self), channel: channel, direction: direction,
            occurredAt: try row.decode(column: "occurred_at", as: Date.self),
            subject: try row.decode(column: "subject", as: String.self),
            notes: try row.decode(column: "notes", as: String?.self),
            outcome: try row.decode(column: "outcome", as: String?.self),
            durationSeconds: try row.decode(column: "duration_seconds", as: Int64?.self),
            quality: try row.decode(column: "quality", as: Int64?.self),
            userID: try row.decode(column: "user_id", as: UUID?.self))
        return Interaction(id: id, input: input, recordedAt: try row.decode(column: "recorded_at", as: Date.self))
    }

    /// Inserts interactions in multi-row statements.
    static func insert(_ interactions: [Interaction], on sql: any SQLDatabase) async throws {
        for chunk in interactions.chunked(into: 500) {
            let insert = sql.insert(into: "interactions").columns(columns)
            for interaction in chunk {
                let input = interaction.input
                insert.values([
                    SQLBind(interaction.id), SQLBind(input.customerID), SQLBind(input.channel.rawValue),
                    SQLBind(input.direction.rawValue), SQLBind(input.occurredAt), SQLBind(interaction.recordedAt),
                    SQLBind(input.subject), SQLBind(input.notes), SQLBind(input.outcome),
                    SQLBind(input.durationSeconds), SQLBind(input.quality), SQLBind(input.userID),
                ])
            }
            try await insert.run()
        }
    }

    /// A customer's latest interaction and its interactions per channel in the window ending at `now`.
    static func summary(of customerID: UUID, at now: Date, on sql: any SQLDatabase) async throws -> InteractionSummary {
        let cutoff = CustomerHistory.latestIncluded(at: now)
        let last = try await sql.raw("""
            SELECT MAX(occurred_at) AS last FROM interactions WHERE customer_id = \(bind: customerID) \
            AND occurred_at <= \(bind: cutoff)
            """).first()?.decode(column: "last", as: Date?.self)
        let rows = try await sql.raw("""
            SELECT channel, COUNT(*) AS n FROM interactions WHERE customer_id = \(bind: customerID) \
            AND occurred_at > \(bind: InteractionSummary.windowStart(endingAt: now)) AND occurred_at <= \(bind: cutoff) \
            GROUP BY channel
            """).all()
        var counts: [InteractionChannel: Int] = [:]
        for row in rows {
            guard let channel = InteractionChannel(rawValue: try row.decode(column: "channel", as: String.self)) else {
                throw StoreError.corrupt("interactions hold an unknown channel")
            }
            counts[channel] = Int(try row.decode(column: "n", as: Int64.self))
        }
        return InteractionSummary(lastInteractionAt: last, recentByChannel: counts)
    }

    /// `summary` for several customers, in two queries per 500. Customers without interactions are absent.
    static func summaries(of customerIDs: [UUID], at now: Date, on sql: any SQLDatabase) async throws
        -> [UUID: InteractionSummary]
    {
        let cutoff = CustomerHistory.latestIncluded(at: now)
        var summaries: [UUID: InteractionSummary] = [:]
        for chunk in customerIDs.chunked(into: 500) {
            let ids = Array(chunk)
            for row in try await sql.raw("""
                SELECT customer_id, MAX(occurred_at) AS last FROM interactions WHERE customer_id IN (\(binds: ids)) \
                AND occurred_at <= \(bind: cutoff) GROUP BY customer_id
                """).all()
            {
                summaries[try row.decode(column: "customer_id", as: UUID.self)] =
                    InteractionSummary(lastInteractionAt: try row.decode(column: "last", as: Date?.self))
            }
            for row in try await sql.raw("""
                SELECT customer_id, channel, COUNT(*) AS n FROM interactions WHERE customer_id IN (\(binds: ids)) \
                AND occurred_at > \(bind: InteractionSummary.windowStart(endingAt: now)) \
                AND occurred_at <= \(bind: cutoff) GROUP BY customer_id, channel
                """).all()
            {
                let text = try row.decode(column: "channel", as: String.self)
                guard let channel = InteractionChannel(rawValue: text) else {
                    throw StoreError.corrupt("interactions hold an unknown channel")
                }
                let id = try row.decode(column: "customer_id", as: UUID.self)
                var summary = summaries[id] ?? InteractionSummary()
                summary.recentByChannel[channel] = Int(try row.decode(column: "n", as: Int64.self))
                summaries[id] = summary
            }
        }
        return summaries
    }
}
