import FluentKit
import FluentSQL
import Foundation
import RapportCore
import SQLKit
import SQLiteNIO

/// Reads and writes customers. Every write changes the row and appends its change events in one transaction.
public struct CustomerRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// Creates a customer with the next number and records its `created` event.
    /// - Throws: `StoreError.invalid` when the owner does not exist or an external ID belongs to someone else.
    public func create(_ fields: CustomerFields, actor: Actor, source: EventSource) async throws -> StoredCustomer {
        let now = store.clock.now()
        return try await store.write { database in
            try await Self.create(fields, at: now, actor: actor, source: source, on: database)
        }
    }

    /// `create` inside the caller's write transaction. A bulk writer passes `decideCrowds: false` and decides every
    /// crowd once at its end (`CrowdRepository.refreshAll`) instead of after each customer.
    static func create(
        _ fields: CustomerFields, at now: Date, actor: Actor, source: EventSource, decideCrowds: Bool = true,
        on database: any Database
    ) async throws -> StoredCustomer {
        try await Self.checkReferences(fields, customerID: nil, on: database)
        let model = CustomerModel()
        model.id = TimeOrderedID.make(at: now)
        model.number = try await Counter.customerNumber.reserve(on: database)
        model.apply(fields)
        model.version = 1
        model.createdAt = now
        model.updatedAt = now
        try await model.create(on: database)
        let stats = CustomerStats.initial(createdAt: now)
        try await CustomerStatsTable.insert([(model.number, model.id!, stats)], on: database)
        try await Self.syncExternalIDs(of: model.id!, from: [:], to: fields.externalIDs, on: database)
        try await CustomerContacts.insert([(model.id!, fields)], on: database)
        let customer = Customer(
            id: model.id!, number: CustomerNumber(model.number), fields: fields, createdAt: now, updatedAt: now,
            archivedAt: nil, version: 1)
        let events = CustomerHistory.creationEvents(of: customer, actor: actor, source: source)
        try await EventLog.append(events, recordedAt: now, on: database)
        if decideCrowds { try await CrowdMembership.refresh(model.id!, at: now, on: database) }
        return try model.toStored(stats: stats)
    }

    /// The customer with this ID, archived or not.
    /// - Throws: `StoreError.notFound` when there is none or the caller may not see it.
    public func find(_ id: UUID, visibleTo visibility: CustomerVisibility) async throws -> StoredCustomer {
        try await find(id, visibleTo: visibility).get()
    }

    /// The customers with these IDs, archived or not, by ID, in one query; IDs of no customer are left out.
    public func find(_ ids: [UUID]) async throws -> [UUID: StoredCustomer] {
        var found: [UUID: StoredCustomer] = [:]
        for chunk in Array(Set(ids)).chunked(into: 500) {
            for row in try await Self.selectStored(on: store.database)
                .where(SQLColumn("id", table: "customers"), .in, SQLBind.group(Array(chunk))).all()
            {
                let customer = try Self.stored(from: row)
                found[customer.id] = customer
            }
        }
        return found
    }

    /// The same read as a future, for the API's hottest path: a request served by futures alone never leaves the
    /// event loop for a task. One indexed query written as plain SQL (SQLKit's builder cost more than running it),
    /// and the document is not decoded.
    public func find(_ id: UUID, visibleTo visibility: CustomerVisibility) -> EventLoopFuture<StoredCustomer> {
        if let readers = store.readers {
            return readers.connection(on: store.database.eventLoop).flatMap { connection in
                Self.findOnSQLite(id, visibleTo: visibility, on: connection)
            }
        }
        var query: SQLQueryString = "SELECT \(unsafeRaw: Self.storedColumns.joined(separator: ", ")) FROM "
        query += "\(unsafeRaw: Self.joinedTables) WHERE customers.id = \(bind: id)"
        if case .ownedBy(let userID, let team) = visibility {
            query += " AND (owner_id = \(bind: userID) OR team = \(bind: team))"
        }
        return (store.database as! any SQLDatabase).raw(query).first().flatMapThrowing { row in
            guard let row else { throw StoreError.notFound }
            return try Self.stored(from: row)
        }
    }

    /// Changes a customer's fields. `change` gets the current fields and returns the new ones (it may run again if a
    /// concurrent writer got there first). Writes nothing, and keeps the version, when nothing changed.
    /// - Throws: `StoreError.notFound`, `.versionMismatch` when `expectedVersion` is stale, `.invalid`, or whatever
    ///   `change` throws.
    public func update(
        _ id: UUID, visibleTo visibility: CustomerVisibility, expectedVersion: Int?, actor: Actor,
        source: EventSource, change: @escaping @Sendable (CustomerFields) throws -> CustomerFields
    ) async throws -> StoredCustomer {
        let now = store.clock.now()
        return try await store.write { database in
            let model = try await Self.lockAndLoad(id, visibleTo: visibility, expectedVersion: expectedVersion,
                                                   on: database)
            let current = try model.toStored(stats: try await CustomerStatsTable.load(id, on: database))
            let old = try current.decoded().fields
            guard try await Self.change(model, from: old, to: try change(old), at: now, actor: actor, source: source,
                                        on: database)
            else { return current }
            return try model.toStored(stats: current.stats)
        }
    }

    /// Writes new fields onto a customer loaded for a change, inside the caller's write transaction: one event per
    /// changed field. Returns false, writing nothing, when nothing changed. `decideCrowds` as for `create`.
    @discardableResult
    static func change(
        _ model: CustomerModel, from old: CustomerFields, to fields: CustomerFields, at now: Date, actor: Actor,
        source: EventSource, decideCrowds: Bool = true, on database: any Database
    ) async throws -> Bool {
        let id = model.id!
        let events = CustomerHistory.changeEvents(
            customerID: id, from: old, to: fields, actor: actor, source: source, at: now)
        guard !events.isEmpty else { return false }
        try await Self.checkReferences(fields, customerID: id, on: database)
        try await Self.syncExternalIDs(of: id, from: old.externalIDs, to: fields.externalIDs, on: database)
        try await CustomerContacts.update(id, from: old, to: fields, on: database)
        model.apply(fields)
        try await Self.save(model, at: now, on: database)
        try await EventLog.append(events, recordedAt: now, on: database)
        if decideCrowds { try await CrowdMembership.refresh(id, at: now, on: database) }
        return true
    }

    /// Archives a customer (the API's `DELETE`); archiving an archived customer changes nothing.
    public func archive(
        _ id: UUID, visibleTo visibility: CustomerVisibility, expectedVersion: Int?, actor: Actor,
        source: EventSource
    ) async throws -> StoredCustomer {
        try await setArchived(true, id, visibleTo: visibility, expectedVersion: expectedVersion, actor: actor,
                              source: source)
    }

    /// Restores an archived customer; restoring a current customer changes nothing.
    public func restore(
        _ id: UUID, visibleTo visibility: CustomerVisibility, expectedVersion: Int?, actor: Actor,
        source: EventSource
    ) async throws -> StoredCustomer {
        try await setArchived(false, id, visibleTo: visibility, expectedVersion: expectedVersion, actor: actor,
                              source: source)
    }

    /// Whether any customer exists, archived or not.
    public func hasAny() async throws -> Bool {
        try await CustomerModel.query(on: store.database).first() != nil
    }

    // MARK: - Inside a write

    private func setArchived(
        _ archive: Bool, _ id: UUID, visibleTo visibility: CustomerVisibility, expectedVersion: Int?, actor: Actor,
        source: EventSource
    ) async throws -> StoredCustomer {
        let now = store.clock.now()
        return try await store.write { database in
            let model = try await Self.lockAndLoad(id, visibleTo: visibility, expectedVersion: expectedVersion,
                                                   on: database)
            let stats = try await CustomerStatsTable.load(id, on: database)
            guard (model.archivedAt == nil) == archive else { return try model.toStored(stats: stats) }
            model.archivedAt = archive ? now : nil
            try await Self.save(model, at: now, on: database)
            let event = NewChangeEvent(
                customerID: id, family: .info, kind: archive ? .archived : .restored, actor: actor, source: source,
                occurredAt: now)
            try await EventLog.append([event], recordedAt: now, on: database)
            try await CrowdMembership.refresh(id, at: now, on: database)
            return try model.toStored(stats: stats)
        }
    }

    /// A customer's columns and its stats', for reads that join `customers` with `customer_stats`.
    static let storedColumns = ["id", "number", "version", "created_at", "updated_at", "archived_at", "document"]
        .map { "customers." + $0 } + CustomerStatsTable.qualifiedColumns

    static let joinedTables = "customers JOIN customer_stats ON customer_stats.number = customers.number"

    static func selectStored(on database: any Database, from tables: String = joinedTables) -> SQLSelectBuilder {
        (database as! any SQLDatabase).select().columns(storedColumns.map { SQLRaw($0) })
            .from(SQLRaw(tables))
    }

    /// `find` on SQLite, reading sqlite-nio's values directly: SQLKit's `Decodable` row decoding costs more than the
    /// query. IDs are bound as the upper-case text the SQLite driver stores them as.
    private static func findOnSQLite(
        _ id: UUID, visibleTo visibility: CustomerVisibility, on sqlite: any SQLiteDatabase
    ) -> EventLoopFuture<StoredCustomer> {
        var query = "SELECT \(storedColumns.dropFirst().joined(separator: ", ")) FROM \(joinedTables) WHERE customers.id = ?1"
        var binds: [SQLiteData] = [.text(UUIDText.format(id, uppercase: true))]
        if case .ownedBy(let userID, let team) = visibility {
            query += " AND (owner_id = ?2 OR team = ?3)"
            binds += [.text(UUIDText.format(userID, uppercase: true)), team.map(SQLiteData.text) ?? .null]
        }
        return sqlite.query(query, binds).flatMapThrowing { rows in
            guard let row = rows.first else { throw StoreError.notFound }
            guard case .integer(let number)? = row.column("number"), case .integer(let version)? = row.column("version"),
                let createdAt = row.column("created_at").flatMap(Date.init(sqliteData:)),
                let updatedAt = row.column("updated_at").flatMap(Date.init(sqliteData:)),
                case .text(let document)? = row.column("document")
            else { throw StoreError.corrupt("customer \(id) has a malformed row") }
            return StoredCustomer(
                id: id, number: CustomerNumber(Int64(number)), version: version, createdAt: createdAt,
                updatedAt: updatedAt, archivedAt: row.column("archived_at").flatMap(Date.init(sqliteData:)),
                document: document, stats: try CustomerStatsTable.decode(sqlite: row))
        }
    }

    static func stored(from row: any SQLRow) throws -> StoredCustomer {
        let createdAt = try row.decode(column: "created_at", as: Date.self)
        return StoredCustomer(
            id: try row.decode(column: "id", as: UUID.self),
            number: CustomerNumber(try row.decode(column: "number", as: Int64.self)),
            version: Int(try row.decode(column: "version", as: Int64.self)),
            createdAt: createdAt,
            updatedAt: try row.decode(column: "updated_at", as: Date.self),
            archivedAt: try row.decode(column: "archived_at", as: Date?.self),
            document: try row.decode(column: "document", as: String.self),
            stats: try CustomerStatsTable.decode(from: row))
    }

    /// Loads the row for a read-modify-write. On PostgreSQL the row is locked first, so a concurrent writer waits
    /// and then sees this write; on SQLite the write gate already orders writers.
    static func lockAndLoad(
        _ id: UUID, visibleTo visibility: CustomerVisibility, expectedVersion: Int?, on database: any Database
    ) async throws -> CustomerModel {
        if let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT id FROM customers WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let model = try await CustomerModel.query(on: database).filter(\.$id == id).visible(to: visibility)
            .first()
        else { throw StoreError.notFound }
        if let expectedVersion, Int(model.version) != expectedVersion {
            throw StoreError.versionMismatch(current: Int(model.version))
        }
        return model
    }

    private static func save(_ model: CustomerModel, at time: Date, on database: any Database) async throws {
        model.version += 1
        model.updatedAt = time
        try await model.update(on: database)
    }

    /// Rules that depend on other rows: the owner must be a user, and an external ID may belong to one customer.
    private static func checkReferences(
        _ fields: CustomerFields, customerID: UUID?, on database: any Database
    ) async throws {
        var errors: [FieldError] = []
        if let ownerID = fields.ownerID, try await UserModel.find(ownerID, on: database) == nil {
            errors.append(FieldError(field: "owner_id", code: "unknown_user", message: "no user has this ID"))
        }
        for (source, externalID) in fields.externalIDs.sorted(by: { $0.key < $1.key }) {
            let holder = try await CustomerExternalIDModel.query(on: database)
                .filter(\.$id.$source == source).filter(\.$id.$externalID == externalID).first()
            if let holder, holder.customerID != customerID {
                errors.append(FieldError(
                    field: "external_ids.\(source)", code: "taken",
                    message: "\(source) ID \(externalID) already belongs to another customer"))
            }
        }
        if !errors.isEmpty { throw StoreError.invalid(ValidationError(errors)) }
    }

    private static func syncExternalIDs(
        of customerID: UUID, from old: [String: String], to new: [String: String], on database: any Database
    ) async throws {
        for (source, externalID) in old where new[source] != externalID {
            try await CustomerExternalIDModel.query(on: database)
                .filter(\.$id.$source == source).filter(\.$id.$externalID == externalID).delete()
        }
        for (source, externalID) in new where old[source] != externalID {
            do {
                try await CustomerExternalIDModel(source: source, externalID: externalID, customerID: customerID)
                    .create(on: database)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // A concurrent writer took the ID between `checkReferences` and here.
                throw StoreError.invalid(ValidationError(
                    field: "external_ids.\(source)", code: "taken",
                    message: "\(source) ID \(externalID) already belongs to another customer"))
            }
        }
    }
}

extension QueryBuilder where Model == CustomerModel {
    /// Keeps only the customers `visibility` allows.
    @discardableResult
    func visible(to visibility: CustomerVisibility) -> Self {
        guard case .ownedBy(let userID, let team) = visibility else { return self }
        return group(.or) { or in
            or.filter(\.$ownerID == userID)
            if let team { or.filter(\.$team == team) }
        }
    }
}

extension SQLSelectBuilder {
    /// Keeps only the customers `visibility` allows.
    @discardableResult
    func visible(to visibility: CustomerVisibility) -> Self {
        guard case .ownedBy(let userID, let team) = visibility else { return self }
        return `where` { group in
            let owned = group.where("owner_id", .equal, userID)
            guard let team else { return owned }
            return owned.orWhere("team", .equal, team)
        }
    }
}
