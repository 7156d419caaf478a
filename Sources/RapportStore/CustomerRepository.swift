import FluentKit
import FluentSQL
import Foundation
import RapportCore
import SQLKit

/// Reads and writes customers. Every write changes the row and appends its change events in one transaction.
public struct CustomerRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// Creates a customer with the next number and records its `created` event.
    /// - Throws: `StoreError.invalid` when the owner does not exist or an external ID belongs to someone else.
    public func create(_ fields: CustomerFields, actor: Actor, source: EventSource) async throws -> Customer {
        let now = store.clock.now()
        return try await store.write { database in
            try await Self.checkReferences(fields, customerID: nil, on: database)
            let model = CustomerModel()
            model.id = UUID()
            model.number = try await Counter.customerNumber.reserve(on: database)
            model.apply(fields)
            model.version = 1
            model.createdAt = now
            model.updatedAt = now
            try await model.create(on: database)
            try await Self.syncExternalIDs(of: model.id!, from: [:], to: fields.externalIDs, on: database)
            let customer = try model.toCustomer()
            let events = CustomerHistory.creationEvents(of: customer, actor: actor, source: source)
            try await EventLog.append(events, recordedAt: now, on: database)
            return customer
        }
    }

    /// The customer with this ID, archived or not.
    /// - Throws: `StoreError.notFound` when there is none or the caller may not see it.
    public func find(_ id: UUID, visibleTo visibility: CustomerVisibility) async throws -> Customer {
        try await Self.load(id, visibleTo: visibility, on: store.database).toCustomer()
    }

    /// Changes a customer's fields. `change` gets the current fields and returns the new ones (it may run again if a
    /// concurrent writer got there first). Writes nothing, and keeps the version, when nothing changed.
    /// - Throws: `StoreError.notFound`, `.versionMismatch` when `expectedVersion` is stale, `.invalid`, or whatever
    ///   `change` throws.
    public func update(
        _ id: UUID, visibleTo visibility: CustomerVisibility, expectedVersion: Int?, actor: Actor,
        source: EventSource, change: @escaping @Sendable (CustomerFields) throws -> CustomerFields
    ) async throws -> Customer {
        let now = store.clock.now()
        return try await store.write { database in
            let model = try await Self.lockAndLoad(id, visibleTo: visibility, expectedVersion: expectedVersion,
                                                   on: database)
            let old = try model.toCustomer()
            let fields = try change(old.fields)
            let events = CustomerHistory.changeEvents(
                customerID: id, from: old.fields, to: fields, actor: actor, source: source, at: now)
            guard !events.isEmpty else { return old }
            try await Self.checkReferences(fields, customerID: id, on: database)
            try await Self.syncExternalIDs(of: id, from: old.fields.externalIDs, to: fields.externalIDs, on: database)
            model.apply(fields)
            try await Self.save(model, at: now, on: database)
            try await EventLog.append(events, recordedAt: now, on: database)
            return try model.toCustomer()
        }
    }

    /// Archives a customer (the API's `DELETE`); archiving an archived customer changes nothing.
    public func archive(
        _ id: UUID, visibleTo visibility: CustomerVisibility, expectedVersion: Int?, actor: Actor,
        source: EventSource
    ) async throws -> Customer {
        try await setArchived(true, id, visibleTo: visibility, expectedVersion: expectedVersion, actor: actor,
                              source: source)
    }

    /// Restores an archived customer; restoring a current customer changes nothing.
    public func restore(
        _ id: UUID, visibleTo visibility: CustomerVisibility, expectedVersion: Int?, actor: Actor,
        source: EventSource
    ) async throws -> Customer {
        try await setArchived(false, id, visibleTo: visibility, expectedVersion: expectedVersion, actor: actor,
                              source: source)
    }

    /// A page of customers, newest number first.
    /// - Parameters:
    ///   - search: the list's `q`: a substring of name, number, e-mail or phone.
    ///   - archived: archived customers instead of current ones.
    ///   - before: the number after which the page starts (the previous page's last), nil for the first page.
    public func list(
        visibleTo visibility: CustomerVisibility, search: String?, archived: Bool, before: CustomerNumber?,
        limit: Int
    ) async throws -> [Customer] {
        let query = CustomerModel.query(on: store.database).visible(to: visibility)
        query.filter(\.$archivedAt, archived ? .notEqual : .equal, nil)
        if let search {
            let needles = CustomerSearch.needles(for: search)
            if !needles.isEmpty {
                query.group(.or) { or in
                    for needle in needles {
                        or.filter(.sql(embed: "search_text LIKE \(bind: Self.likePattern(needle)) ESCAPE '\\'"))
                    }
                }
            }
        }
        if let before { query.filter(\.$number < before.value) }
        return try await query.sort(\.$number, .descending).limit(limit).all().map { try $0.toCustomer() }
    }

    /// Whether any customer exists, archived or not.
    public func hasAny() async throws -> Bool {
        try await CustomerModel.query(on: store.database).first() != nil
    }

    // MARK: - Inside a write

    private func setArchived(
        _ archive: Bool, _ id: UUID, visibleTo visibility: CustomerVisibility, expectedVersion: Int?, actor: Actor,
        source: EventSource
    ) async throws -> Customer {
        let now = store.clock.now()
        return try await store.write { database in
            let model = try await Self.lockAndLoad(id, visibleTo: visibility, expectedVersion: expectedVersion,
                                                   on: database)
            guard (model.archivedAt == nil) == archive else { return try model.toCustomer() }
            model.archivedAt = archive ? now : nil
            try await Self.save(model, at: now, on: database)
            let event = NewChangeEvent(
                customerID: id, family: .info, kind: archive ? .archived : .restored, actor: actor, source: source,
                occurredAt: now)
            try await EventLog.append([event], recordedAt: now, on: database)
            return try model.toCustomer()
        }
    }

    static func load(_ id: UUID, visibleTo visibility: CustomerVisibility, on database: any Database) async throws
        -> CustomerModel
    {
        guard let model = try await CustomerModel.query(on: database).filter(\.$id == id).visible(to: visibility)
            .first()
        else { throw StoreError.notFound }
        return model
    }

    /// Loads the row for a read-modify-write. On PostgreSQL the row is locked first, so a concurrent writer waits
    /// and then sees this write; on SQLite the write gate already orders writers.
    private static func lockAndLoad(
        _ id: UUID, visibleTo visibility: CustomerVisibility, expectedVersion: Int?, on database: any Database
    ) async throws -> CustomerModel {
        if let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT id FROM customers WHERE id = \(bind: id) FOR UPDATE").run()
        }
        let model = try await load(id, visibleTo: visibility, on: database)
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

    /// A LIKE pattern matching `needle` anywhere, with LIKE's own wildcards taken literally.
    private static func likePattern(_ needle: String) -> String {
        let escaped = needle.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return "%" + escaped + "%"
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
