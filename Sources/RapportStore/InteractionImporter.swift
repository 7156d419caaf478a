import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Imports interactions, recording each as `InteractionRepository.record` does — the same row, `relationship` event,
/// contact stats and stage — but a batch at a time: a few queries find every row's customer, handler and earlier
/// import, the new interactions go in with multi-row inserts, and each customer's stats are refreshed once per
/// batch. Events carry the import as their actor, `import` as their source and the file's time as `occurred_at`.
///
/// Interactions have no external ID column, so each imported one gets an ID derived from what identifies it
/// (`ImportKeys.interactionID`): its ID in the source system when the file gives one, else its content and its
/// occurrence in the file. A row whose ID is already recorded with the same values is `unchanged`; with other
/// values it is rejected — an import never changes a recorded interaction.
public struct InteractionImporter: Sendable {
    let store: RapportDatabase
    let engine: LifecycleEngine

    /// Wraps the database; `engine` decides stages.
    public init(_ store: RapportDatabase, engine: LifecycleEngine) {
        self.store = store
        self.engine = engine
    }

    /// Decides what each item does and, unless `dryRun`, writes it, with the run's progress, in one transaction.
    /// `source` is the import's source system; `titles` gives the file's column titles of the document's members.
    /// A dry run (`dryRun` not nil) writes nothing and remembers what it would have written for its next batches.
    public func importBatch(_ items: [ImportItem<InteractionImport>], run: ImportRun, source: String,
                            titles: [String: String] = [:], dryRun: ImportDryRun?) async throws -> [ImportOutcome]
    {
        let now = store.clock.now()
        let actor = Actor(kind: .import, id: run.id)
        let engine = self.engine
        return try await ImportJournal(store).commit(run, lastLine: items.flatMap(\.rows).map(\.line).max(),
                                                     dryRun: dryRun != nil) { database in
            try await Self.apply(items, source: source, titles: titles, engine: engine, now: now, actor: actor,
                                 dryRun: dryRun, on: database)
        }
    }

    private static func apply(
        _ items: [ImportItem<InteractionImport>], source: String, titles: [String: String], engine: LifecycleEngine,
        now: Date, actor: Actor, dryRun: ImportDryRun?, on database: any Database
    ) async throws -> [ImportOutcome] {
        let sql = database as! any SQLDatabase
        let resolver = CustomerResolver(source: source, sql: sql)
        let customers = try await resolver.resolve(items.map { try? $0.parsed.get().customer })
        var found: Set<UUID> = []
        for case .success(let customer)? in customers { found.insert(customer.id) }
        try await resolver.lock(found)
        let ids = zip(items, customers).map { item, customer -> UUID? in
            guard case .success(let interaction) = item.parsed, case .success(let customer)? = customer else {
                return nil
            }
            return ImportKeys.interactionID(interaction, customerID: customer.id, source: source,
                                            occurrence: item.occurrence)
        }
        var known: [UUID: Interaction] = [:]
        for chunk in ids.compactMap({ $0 }).chunked(into: 500) {
            for row in try await sql.select().columns(InteractionRows.columns.map { SQLColumn($0) })
                .from("interactions").where("id", .in, Array(chunk)).all()
            {
                let interaction = try InteractionRows.decode(row)
                known[interaction.id] = interaction
            }
        }
        for id in ids.compactMap({ $0 }) where known[id] == nil {
            known[id] = dryRun?.interaction(id)
        }
        let userIDs = Set(items.compactMap { try? $0.parsed.get().input.userID })
        var users: Set<UUID> = []
        for chunk in Array(userIDs).chunked(into: 500) {
            for row in try await sql.select().column("id").from("users").where("id", .in, Array(chunk)).all() {
                users.insert(try row.decode(column: "id", as: UUID.self))
            }
        }

        var outcomes: [ImportOutcome] = []
        var created: [Interaction] = []
        for (item, (customer, id)) in zip(items, zip(customers, ids)) {
            let interaction: InteractionImport
            switch item.parsed {
            case .failure(let error):
                outcomes.append(.rejected(line: item.line, error))
                continue
            case .success(let parsed):
                interaction = parsed
            }
            guard case .success(let customer)? = customer, let id else {
                let error: ValidationError = switch customer {
                case .failure(let error)?: error
                default:
                    ValidationError(field: "customer", code: "unknown_customer", message: "the customer is not known")
                }
                outcomes.append(.rejected(line: item.line, error, titles: titles))
                continue
            }
            func reject(_ field: String, _ code: String, _ message: String) {
                outcomes.append(.rejected(line: item.line, ValidationError(field: field, code: code, message: message),
                                          number: customer.number, titles: titles))
            }
            var input = interaction.input
            input.customerID = customer.id
            do {
                input.occurredAt = try CustomerActivity.occurredAt(input.occurredAt, now: now)
            } catch {
                reject("occurred_at", "in_future", "the time is in the future")
                continue
            }
            let detail = "\(input.channel.rawValue) \(input.direction.rawValue) \(RFC3339.format(input.occurredAt)) "
                + "\(input.subject)"
            if let earlier = known[id] {
                // Compared as the API shows them: times to the millisecond, whatever the database gives back.
                let row = Interaction(id: id, input: input, recordedAt: earlier.recordedAt)
                if row.json == earlier.json {
                    outcomes.append(ImportOutcome(line: item.line, action: .unchanged, number: customer.number,
                                                  changes: [], reasons: [], detail: detail))
                } else {
                    reject(interaction.externalID != nil ? "external_id" : "id", "conflict",
                           "interaction \(UUIDText.format(id)) is already recorded with other values; an import does "
                               + "not change recorded interactions")
                }
                continue
            }
            if let user = input.userID, !users.contains(user) {
                reject("user_id", "unknown_user", "no user has this ID")
                continue
            }
            let recorded = Interaction(id: id, input: input, recordedAt: now)
            known[id] = recorded
            created.append(recorded)
            outcomes.append(ImportOutcome(line: item.line, action: .created, number: customer.number, changes: [],
                                          reasons: [], detail: detail))
        }
        guard !created.isEmpty else { return outcomes }
        if let dryRun {
            // Every row is decided; writing would only be rolled back.
            dryRun.remember(created)
            return outcomes
        }
        try await InteractionRows.insert(created, on: sql)
        try await EventLog.append(created.map { InteractionRepository.event($0, actor: actor, source: .import) },
                                  recordedAt: now, on: database)
        var seen: Set<UUID> = []
        let touched = created.map(\.input.customerID).filter { seen.insert($0).inserted }
        let stats = try await CustomerStatsTable.load(touched, on: database)
        try await CustomerStatsWriter(engine: engine).refresh(try touched.map { id in
            guard let current = stats[id] else { throw StoreError.corrupt("customer \(id) has no stats row") }
            return (id, current)
        }, scope: .interactions, now: now, actor: actor, source: .import, on: database)
        return outcomes
    }
}
