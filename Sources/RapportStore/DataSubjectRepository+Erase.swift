import FluentKit
import Foundation
import RapportCore
import SQLKit

extension DataSubjectRepository {
    /// What an erasure did.
    public struct ErasureOutcome: Sendable {
        /// The tombstone, as stored now.
        public let customer: StoredCustomer
        /// False when the customer had been erased before and nothing personal was left: then nothing was written
        /// but the audit entry.
        public let changed: Bool
        /// Events whose values were rewritten.
        public let eventsRewritten: Int
        /// Interactions whose free text was removed.
        public let interactionsScrubbed: Int
        /// Stored `Idempotency-Key` responses that named the customer, replaced.
        public let storedResponsesReplaced: Int
    }

    /// Erases a customer's personal data in one write transaction (`CustomerErasure` says what is personal):
    ///
    /// - the record becomes the tombstone, archived (with an `archived` event if it was current), its search text
    ///   and contact and external-ID index rows with it;
    /// - its events lose their personal values (`CustomerErasure.scrubbed`), so `as_of` shows the tombstone at any
    ///   past instant; its interactions lose subject, notes and outcome; its manual stages their typed reasons;
    /// - an `erased` event is appended, its crowds are decided again (an archived customer is in none), and stored
    ///   `Idempotency-Key` responses that name it are replaced by `replacement`, so a retried request neither
    ///   replays the person's data nor runs again;
    /// - transactions, stats, values, stage periods and crowd history stay: they are aggregates of the business.
    ///
    /// Erasing an erased customer again removes whatever personal data came back since (an interaction logged on
    /// the archived record, a restore and a change), and when there is none it writes nothing but its audit entry.
    /// - Throws: `StoreError.notFound`, `.versionMismatch` when `expectedVersion` is stale.
    public func erase(
        _ id: UUID, expectedVersion: Int?, actor: Actor, source: EventSource, replacement: StoredResponse
    ) async throws -> ErasureOutcome {
        let now = store.clock.now()
        return try await store.write { database in
            let sql = database as! any SQLDatabase
            let model = try await CustomerRepository.lockAndLoad(
                id, visibleTo: .all, expectedVersion: expectedVersion, on: database)
            var stats = try await CustomerStatsTable.load(id, on: database)
            let fields = try model.toStored(stats: stats).decoded().fields
            let tombstone = CustomerErasure.tombstone(of: fields)
            let eventsRewritten = try await Self.scrubEvents(of: id, on: database)
            let interactionsScrubbed = try await Self.scrubInteractions(of: id, on: sql)
            let reasonsScrubbed = try await Self.scrubManualStageReasons(of: id, stats: &stats, on: sql)
            try await sql.delete(from: "customer_contacts").where("customer_id", .equal, id).run()
            try await sql.delete(from: "customer_external_ids").where("customer_id", .equal, id).run()
            let responses = try await Self.replaceStoredResponses(naming: id, with: replacement, on: sql)
            let erasedBefore = try await sql.select().column("seq").from("customer_events")
                .where("customer_id", .equal, id).where("kind", .equal, EventKind.erased.rawValue).limit(1)
                .first() != nil
            let wasCurrent = model.archivedAt == nil
            let changed = !erasedBefore || fields != tombstone || wasCurrent
                || eventsRewritten + interactionsScrubbed + reasonsScrubbed > 0
            if changed {
                model.apply(tombstone)
                if wasCurrent { model.archivedAt = now }
                model.version += 1
                model.updatedAt = now
                try await model.update(on: database)
                var events = [NewChangeEvent(customerID: id, family: .info, kind: .erased, actor: actor, source: source,
                                             occurredAt: now)]
                if wasCurrent {
                    events.append(NewChangeEvent(customerID: id, family: .info, kind: .archived, actor: actor,
                                                 source: source, occurredAt: now))
                }
                try await EventLog.append(events, recordedAt: now, on: database)
                try await CrowdMembership.refresh(id, at: now, on: database)
            }
            let detail: JSONValue = .object([
                "number": .string(CustomerNumber(model.number).description), "already_erased": .bool(!changed),
                "events_rewritten": .number(Double(eventsRewritten)),
                "interactions_scrubbed": .number(Double(interactionsScrubbed)),
                "stored_responses_replaced": .number(Double(responses)),
            ])
            try await AuditLog.append(.customer(id, actor: actor, action: .customerErased, detail: detail), at: now,
                                      on: database)
            return ErasureOutcome(
                customer: try model.toStored(stats: stats), changed: changed, eventsRewritten: eventsRewritten,
                interactionsScrubbed: interactionsScrubbed, storedResponsesReplaced: responses)
        }
    }

    /// Rewrites the values of a customer's events that hold personal data; returns how many it rewrote.
    private static func scrubEvents(of id: UUID, on database: any Database) async throws -> Int {
        let sql = database as! any SQLDatabase
        var rewritten = 0
        for row in try await CustomerEventModel.query(on: database).filter(\.$customerID == id).sort(\.$id).all() {
            let event = try row.toEvent().event
            guard let scrubbed = CustomerErasure.scrubbed(event),
                scrubbed.oldValue != event.oldValue || scrubbed.newValue != event.newValue
            else { continue }
            // Stored as `EventLog.append` stores values: JSON text, a JSON null as SQL NULL.
            func text(_ value: JSONValue?) -> String? { value.flatMap { $0 == .null ? nil : $0.encodedText() } }
            try await sql.update("customer_events")
                .set("old_value", to: SQLBind(text(scrubbed.oldValue)))
                .set("new_value", to: SQLBind(text(scrubbed.newValue)))
                .where("seq", .equal, try row.requireID())
                .run()
            rewritten += 1
        }
        return rewritten
    }

    /// Removes the free text of a customer's interactions: subject `CustomerErasure.marker`, notes and outcome null.
    private static func scrubInteractions(of id: UUID, on sql: any SQLDatabase) async throws -> Int {
        let personal: SQLQueryString = """
            customer_id = \(bind: id) AND (subject <> \(bind: CustomerErasure.marker) OR notes IS NOT NULL \
            OR outcome IS NOT NULL)
            """
        let count = try await sql.raw("SELECT COUNT(*) AS n FROM interactions WHERE \(personal)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        guard count > 0 else { return 0 }
        try await sql.raw("""
            UPDATE interactions SET subject = \(bind: CustomerErasure.marker), notes = NULL, outcome = NULL \
            WHERE \(personal)
            """).run()
        return count
    }

    /// Replaces the reasons people typed for a customer's manual stages, past (`stage_periods`) and current.
    private static func scrubManualStageReasons(
        of id: UUID, stats: inout CustomerStats, on sql: any SQLDatabase
    ) async throws -> Int {
        let typed: SQLQueryString = """
            customer_id = \(bind: id) AND rule = \(bind: StageOverride.rule) \
            AND reason <> \(bind: CustomerErasure.marker)
            """
        var count = try await sql.raw("SELECT COUNT(*) AS n FROM stage_periods WHERE \(typed)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        if count > 0 {
            try await sql.raw("UPDATE stage_periods SET reason = \(bind: CustomerErasure.marker) WHERE \(typed)").run()
        }
        if stats.stage.rule == StageOverride.rule, stats.stage.reason != CustomerErasure.marker {
            stats.stage.reason = CustomerErasure.marker
            try await CustomerStatsTable.update(stats, of: id, on: sql)
            count += 1
        }
        return count
    }

    /// Replaces every stored `Idempotency-Key` response whose body names the customer (its ID, as every response
    /// about it carries) with `replacement`; returns how many.
    private static func replaceStoredResponses(
        naming id: UUID, with replacement: StoredResponse, on sql: any SQLDatabase
    ) async throws -> Int {
        let needle = Data(UUIDText.format(id).utf8)
        let names: SQLQueryString = sql.dialect.name == "postgresql"
            ? "response_body IS NOT NULL AND position(\(bind: needle) IN response_body) > 0"
            : "response_body IS NOT NULL AND instr(response_body, \(bind: needle)) > 0"
        let count = try await sql.raw("SELECT COUNT(*) AS n FROM idempotency_keys WHERE \(names)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        guard count > 0 else { return 0 }
        let headers = String(decoding: try JSONEncoder().encode(replacement.headers), as: UTF8.self)
        try await sql.raw("""
            UPDATE idempotency_keys SET status = \(bind: replacement.status), response_headers = \(bind: headers), \
            response_body = \(bind: replacement.body) WHERE \(names)
            """).run()
        return count
    }
}
