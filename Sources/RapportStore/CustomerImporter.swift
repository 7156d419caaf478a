import FluentKit
import Foundation
import RapportCore
import SQLKit

/// One record of an import file, read and checked: its line, its text as the file had it, and the customer it
/// describes with the fields it gave — or why it cannot be read.
public struct ImportRecord: Sendable {
    public let line: Int
    public let raw: String
    public let parsed: Result<(fields: CustomerFields, given: Set<String>), ValidationError>
    /// For a row of a Rapport export: the customer it was. It matches that customer if this database holds it, and
    /// no one else: the file says who is who, so contact points shared by two customers do not join them.
    public let identity: ExportedIdentity?

    /// Creates a record.
    public init(line: Int, raw: String, parsed: Result<(fields: CustomerFields, given: Set<String>), ValidationError>,
                identity: ExportedIdentity? = nil) {
        self.line = line
        self.raw = raw
        self.parsed = parsed
        self.identity = identity
    }
}

/// Imports customers: each record matches an existing customer by its external ID in the source system, then by a
/// normalised e-mail address or phone number; a match is updated with what the record gives (`CustomerFields.merging`),
/// anything else is created. A record whose keys point at two different customers is flagged as a possible duplicate
/// and left alone. Events carry the import as their actor and `import` as their source. Crowds are decided once, when
/// the run finishes.
public struct CustomerImporter: Sendable {
    let store: RapportDatabase
    let engine: LifecycleEngine

    /// Wraps the database; `engine` decides the stages of the customers it creates.
    public init(_ store: RapportDatabase, engine: LifecycleEngine) {
        self.store = store
        self.engine = engine
    }

    /// The run for this file, mapping and source: the unfinished one to resume, the finished one, or a new one.
    public func begin(fileName: String, digest: String, source: String) async throws -> ImportRun {
        try await ImportJournal(store).begin(.customers, fileName: fileName, digest: digest, source: source)
    }

    /// Decides every crowd once for the customers the import wrote, then marks the run finished
    /// (`ImportJournal.finish`).
    public func finish(_ run: ImportRun) async throws {
        try await ImportJournal(store).finish(run)
    }

    /// Decides what each record does and, unless `dryRun`, writes it, with the run's progress, in one transaction.
    public func importBatch(_ records: [ImportRecord], run: ImportRun, source: String, dryRun: Bool) async throws
        -> [ImportOutcome]
    {
        let now = store.clock.now()
        let actor = Actor(kind: .import, id: run.id)
        let lastLine = records.map(\.line).max()
        return try await ImportJournal(store).commit(run, lastLine: lastLine, dryRun: dryRun) { database in
            try await Batch(source: source, database: database, engine: engine).apply(records, at: now, actor: actor)
        }
    }
}

extension CustomerImporter {
    /// Decides and writes the records of a batch in bulk: a few queries find every record's matches, unchanged
    /// matches cost nothing more, and new customers go in with multi-row inserts. The result is that of taking the
    /// records one after the other: a record that shares a key (external ID, e-mail, phone) or a matched customer with
    /// an earlier record of the batch waits for a later round, which sees what the earlier one wrote.
    fileprivate struct Batch {
        let source: String
        let database: any Database
        let engine: LifecycleEngine

        private var sql: any SQLDatabase { database as! any SQLDatabase }

        func apply(_ records: [ImportRecord], at now: Date, actor: Actor) async throws -> [ImportOutcome] {
            var outcomes = [ImportOutcome?](repeating: nil, count: records.count)
            var round: [Int] = []
            var keys: Set<String> = []
            for (index, record) in records.enumerated() {
                switch record.parsed {
                case .failure(let error):
                    outcomes[index] = Self.rejected(record, error)
                case .success(let parsed):
                    var recordKeys = Self.keys(of: parsed.fields, source: source)
                    if let identity = record.identity { recordKeys.insert("#\(identity.number.value)") }
                    if !keys.isDisjoint(with: recordKeys) {
                        try await decide(round, of: records, at: now, actor: actor, into: &outcomes)
                        round.removeAll()
                        keys.removeAll()
                    }
                    round.append(index)
                    keys.formUnion(recordKeys)
                }
            }
            try await decide(round, of: records, at: now, actor: actor, into: &outcomes)
            return outcomes.map { $0! }
        }

        /// A record's keys: what can match it to a customer, so two records sharing one must not be decided together.
        private static func keys(of fields: CustomerFields, source: String) -> Set<String> {
            var keys = Set(fields.externalIDs.map { "x\($0.key)\u{1}\($0.value)" })
            for email in fields.emails { keys.insert("e" + email.address) }
            for phone in fields.phones { keys.insert("p" + phone.number) }
            return keys
        }

        /// Decides records whose keys are disjoint; those matching a customer an earlier one of them matched are left
        /// for a further round.
        private func decide(_ indices: [Int], of records: [ImportRecord], at now: Date, actor: Actor,
                            into outcomes: inout [ImportOutcome?]) async throws
        {
            var rest = indices[...]
            while !rest.isEmpty {
                let parsed = rest.map { index -> (fields: CustomerFields, given: Set<String>) in
                    guard case .success(let parsed) = records[index].parsed else { preconditionFailure("parsed") }
                    return parsed
                }
                let takenIDs = try await externalIDHolders(parsed.map(\.fields))
                let contacts = try await contactHolders(
                    zip(rest, parsed).filter { records[$0.0].identity == nil }.map(\.1.fields), takenIDs: takenIDs)
                let exported = try await exportedCustomers(rest.compactMap { records[$0].identity })
                var claimed: Set<UUID> = []
                var updates: [(index: Int, id: UUID, fields: CustomerFields, given: Set<String>)] = []
                var creates: [(index: Int, fields: CustomerFields)] = []
                var flagged: [(index: Int, matches: [UUID])] = []
                var decided = 0
                for (index, record) in zip(rest, parsed) {
                    let matches = records[index].identity.map { exported[$0].map { [$0] } ?? [] }
                        ?? match(record.fields, takenIDs: takenIDs, contacts: contacts)
                    if matches.count > 1 {
                        flagged.append((index, matches))
                    } else if let id = matches.first {
                        guard claimed.insert(id).inserted else { break }
                        updates.append((index, id, record.fields, record.given))
                    } else {
                        creates.append((index, record.fields))
                    }
                    decided += 1
                }
                try await flag(flagged, of: records, into: &outcomes)
                try await update(updates, of: records, takenIDs: takenIDs, at: now, actor: actor, into: &outcomes)
                try await create(creates, of: records, takenIDs: takenIDs, at: now, actor: actor, into: &outcomes)
                rest = rest.dropFirst(decided)
            }
        }

        /// The customers holding the records' external IDs, by system and ID.
        private func externalIDHolders(_ records: [CustomerFields]) async throws -> [String: [String: UUID]] {
            var bySystem: [String: Set<String>] = [:]
            for fields in records {
                for (system, externalID) in fields.externalIDs { bySystem[system, default: []].insert(externalID) }
            }
            var holders: [String: [String: UUID]] = [:]
            for (system, externalIDs) in bySystem {
                for chunk in externalIDs.sorted().chunked(into: 500) {
                    for row in try await sql.select().columns("external_id", "customer_id")
                        .from("customer_external_ids").where("source", .equal, system)
                        .where("external_id", .in, Array(chunk)).all()
                    {
                        holders[system, default: [:]][try row.decode(column: "external_id", as: String.self)] =
                            try row.decode(column: "customer_id", as: UUID.self)
                    }
                }
            }
            return holders
        }

        /// The customers of this database that exported rows name: same number, created at the same millisecond.
        private func exportedCustomers(_ identities: [ExportedIdentity]) async throws -> [ExportedIdentity: UUID] {
            var found: [ExportedIdentity: UUID] = [:]
            let byNumber = Dictionary(identities.map { ($0.number.value, $0) }) { first, _ in first }
            for chunk in Array(byNumber.keys).chunked(into: 500) {
                for row in try await sql.select().columns("id", "number", "created_at").from("customers")
                    .where("number", .in, Array(chunk)).all()
                {
                    guard let identity = byNumber[try row.decode(column: "number", as: Int64.self)],
                          abs(try row.decode(column: "created_at", as: Date.self).timeIntervalSince(identity.createdAt))
                              < 0.001
                    else { continue }
                    found[identity] = try row.decode(column: "id", as: UUID.self)
                }
            }
            return found
        }

        /// The customers holding the contact points of the records that no external ID of this source matched.
        private func contactHolders(_ records: [CustomerFields], takenIDs: [String: [String: UUID]]) async throws
            -> [CustomerContacts.Kind: [String: [UUID]]]
        {
            let unmatched = records.filter { fields in
                fields.externalIDs[source].flatMap { takenIDs[source]?[$0] } == nil
            }
            return [
                .email: try await CustomerContacts.holders(of: unmatched.flatMap { $0.emails.map(\.address) },
                                                           kind: .email, on: sql),
                .phone: try await CustomerContacts.holders(of: unmatched.flatMap { $0.phones.map(\.number) },
                                                           kind: .phone, on: sql),
            ]
        }

        /// The customers a record's keys point at: its external ID in this source, else its contact points.
        private func match(_ fields: CustomerFields, takenIDs: [String: [String: UUID]],
                           contacts: [CustomerContacts.Kind: [String: [UUID]]]) -> [UUID]
        {
            if let externalID = fields.externalIDs[source], let id = takenIDs[source]?[externalID] { return [id] }
            var found: [UUID] = []
            let points = fields.emails.map { (CustomerContacts.Kind.email, $0.address) }
                + fields.phones.map { (CustomerContacts.Kind.phone, $0.number) }
            for (kind, value) in points {
                for id in contacts[kind]?[value] ?? [] where !found.contains(id) { found.append(id) }
            }
            return found
        }

        private func flag(_ flagged: [(index: Int, matches: [UUID])], of records: [ImportRecord],
                          into outcomes: inout [ImportOutcome?]) async throws
        {
            guard !flagged.isEmpty else { return }
            let numbers = try await numbers(of: Array(Set(flagged.flatMap(\.matches))))
            for (index, matches) in flagged {
                let described = matches.compactMap { numbers[$0] }.sorted().map(\.description)
                outcomes[index] = ImportOutcome(line: records[index].line, action: .flagged, number: nil, changes: [],
                                                reasons: ["possible duplicate: its external ID, e-mail addresses and "
                                                    + "phone numbers belong to " + described.joined(separator: " and ")])
            }
        }

        /// Merges each record into its customer; one whose merge changes nothing is unchanged and writes nothing.
        private func update(_ updates: [(index: Int, id: UUID, fields: CustomerFields, given: Set<String>)],
                            of records: [ImportRecord], takenIDs: [String: [String: UUID]], at now: Date,
                            actor: Actor, into outcomes: inout [ImportOutcome?]) async throws
        {
            guard !updates.isEmpty else { return }
            // Most matches change nothing: their documents are read with plain SQL, and only the customers that do
            // change are loaded as models (Fluent's reflective decoding cost more than the rest of the batch).
            var stored: [UUID: (number: CustomerNumber, fields: CustomerFields)] = [:]
            for chunk in updates.map(\.id).chunked(into: 500) {
                let lock = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
                for row in try await sql.raw("""
                    SELECT id, number, document FROM customers WHERE id IN (\(binds: Array(chunk)))\(unsafeRaw: lock)
                    """).all()
                {
                    let number = CustomerNumber(try row.decode(column: "number", as: Int64.self))
                    stored[try row.decode(column: "id", as: UUID.self)] = (
                        number, try StoredCustomer.fields(of: try row.decode(column: "document", as: String.self),
                                                          number: number))
                }
            }
            var changed: [(index: Int, id: UUID, current: CustomerFields, merged: CustomerFields, events: [NewChangeEvent])] = []
            for (index, id, fields, given) in updates {
                guard let (number, current) = stored[id] else { throw StoreError.notFound }
                let merged = current.merging(fields, given: given)
                let events = CustomerHistory.changeEvents(customerID: id, from: current, to: merged, actor: actor,
                                                          source: .import, at: now)
                if events.isEmpty {
                    outcomes[index] = ImportOutcome(line: records[index].line, action: .unchanged, number: number,
                                                    changes: [], reasons: [])
                } else {
                    changed.append((index, id, current, merged, events))
                }
            }
            guard !changed.isEmpty else { return }
            let owners = try await existingUsers(Set(changed.compactMap(\.merged.ownerID)))
            var accepted: [(index: Int, id: UUID, number: CustomerNumber, current: CustomerFields,
                            merged: CustomerFields, events: [NewChangeEvent])] = []
            for (index, id, current, merged, events) in changed {
                let errors = Self.referenceErrors(merged, of: id, owners: owners, takenIDs: takenIDs)
                if errors.isEmpty {
                    accepted.append((index, id, stored[id]!.number, current, merged, events))
                } else {
                    outcomes[index] = Self.rejected(records[index], ValidationError(errors))
                }
            }
            try await write(accepted.map { ($0.id, $0.number, $0.current, $0.merged) }, at: now)
            try await EventLog.append(accepted.flatMap(\.events), recordedAt: now, on: database)
            for (index, _, number, _, _, events) in accepted {
                outcomes[index] = ImportOutcome(
                    line: records[index].line, action: .updated, number: number,
                    changes: events.map { ($0.field ?? "", $0.oldValue ?? .null, $0.newValue ?? .null) }, reasons: [])
            }
        }

        /// Why a customer's fields cannot be stored: an owner who is not a user, an external ID another customer
        /// holds. `takenIDs` holds the batch's external IDs; a customer's own are its own.
        private static func referenceErrors(_ fields: CustomerFields, of customerID: UUID?, owners: Set<UUID>,
                                            takenIDs: [String: [String: UUID]]) -> [FieldError]
        {
            var errors: [FieldError] = []
            if let owner = fields.ownerID, !owners.contains(owner) {
                errors.append(FieldError(field: "owner_id", code: "unknown_user", message: "no user has this ID"))
            }
            for (system, externalID) in fields.externalIDs.sorted(by: { $0.key < $1.key }) {
                if let holder = takenIDs[system]?[externalID], holder != customerID {
                    errors.append(FieldError(field: "external_ids.\(system)", code: "taken",
                                             message: "\(system) ID \(externalID) already belongs to another customer"))
                }
            }
            return errors
        }

        /// Writes changed customers: their rows, external IDs and contact points, in a few statements for the lot
        /// (one `UPDATE` per customer).
        private func write(_ changes: [(id: UUID, number: CustomerNumber, old: CustomerFields, new: CustomerFields)],
                           at now: Date) async throws
        {
            guard !changes.isEmpty else { return }
            for (id, number, _, fields) in changes {
                try await sql.raw("""
                    UPDATE customers SET kind = \(bind: fields.kind.rawValue), name = \(bind: fields.name), \
                    owner_id = \(bind: fields.ownerID), team = \(bind: fields.team), source = \(bind: fields.source), \
                    birthday = \(bind: fields.birthday?.description), document = \(bind: fields.documentText), \
                    search_text = \(bind: CustomerSearch.text(number: number, fields: fields)), \
                    version = version + 1, updated_at = \(bind: now) WHERE id = \(bind: id)
                    """).run()
            }
            for (id, _, old, new) in changes {
                for (system, externalID) in old.externalIDs where new.externalIDs[system] != externalID {
                    try await sql.delete(from: "customer_external_ids").where("source", .equal, system)
                        .where("external_id", .equal, externalID).where("customer_id", .equal, id).run()
                }
            }
            let addedIDs = changes.flatMap { id, _, old, new in
                new.externalIDs.filter { old.externalIDs[$0.key] != $0.value }.sorted { $0.key < $1.key }
                    .map { [BulkValue.text($0.key), .text($0.value), .uuid(id)] }
            }
            try await BulkInsert.insert(into: "customer_external_ids", columns: ["source", "external_id", "customer_id"],
                                        rows: addedIDs, on: database)
            try await CustomerContacts.update(changes.map { ($0.id, $0.old, $0.new) }, on: database)
        }

        /// Creates the records that matched no one, in bulk; a record naming an unknown owner or another customer's
        /// external ID is rejected.
        private func create(_ creates: [(index: Int, fields: CustomerFields)], of records: [ImportRecord],
                            takenIDs: [String: [String: UUID]], at now: Date, actor: Actor,
                            into outcomes: inout [ImportOutcome?]) async throws
        {
            guard !creates.isEmpty else { return }
            let owners = try await existingUsers(Set(creates.compactMap(\.fields.ownerID)))
            var accepted: [(index: Int, fields: CustomerFields)] = []
            for (index, fields) in creates {
                let errors = Self.referenceErrors(fields, of: nil, owners: owners, takenIDs: takenIDs)
                if errors.isEmpty {
                    accepted.append((index, fields))
                } else {
                    outcomes[index] = Self.rejected(records[index], ValidationError(errors))
                }
            }
            guard !accepted.isEmpty else { return }
            let inputs = accepted.map {
                CustomerHistoryInput(id: TimeOrderedID.make(at: now), createdAt: now, fields: $0.fields)
            }
            let prepared = CustomerBulkWriter.prepare(inputs, engine: engine, at: now, actor: actor, source: .import)
            let numbers = try await CustomerBulkWriter.write(prepared, on: database).numbers
            for ((index, _), number) in zip(accepted, numbers) {
                outcomes[index] = ImportOutcome(line: records[index].line, action: .created, number: number,
                                                changes: [], reasons: [])
            }
        }

        private func existingUsers(_ ids: Set<UUID>) async throws -> Set<UUID> {
            guard !ids.isEmpty else { return [] }
            return Set(try await UserModel.query(on: database).filter(\.$id ~~ Array(ids)).all().compactMap(\.id))
        }

        private func numbers(of ids: [UUID]) async throws -> [UUID: CustomerNumber] {
            var numbers: [UUID: CustomerNumber] = [:]
            for row in try await sql.select().columns("id", "number").from("customers").where("id", .in, ids).all() {
                numbers[try row.decode(column: "id", as: UUID.self)] =
                    CustomerNumber(try row.decode(column: "number", as: Int64.self))
            }
            return numbers
        }

        private static func rejected(_ record: ImportRecord, _ error: ValidationError) -> ImportOutcome {
            .rejected(line: record.line, error)
        }
    }
}
