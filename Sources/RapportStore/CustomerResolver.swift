import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Finds the customers that the rows of a transaction or interaction import name (`CustomerReference`), a batch at a
/// time, in a few queries whatever the batch's size: one per kind of key (IDs, external IDs, numbers, e-mail
/// addresses, phone numbers) and one for the found customers' numbers and sources.
struct CustomerResolver {
    /// A customer a row names.
    struct Customer: Sendable {
        let id: UUID
        let number: CustomerNumber
        /// The customer's source system, which scopes its transactions' external IDs (`M0009_CreateTransactions`).
        let source: String
    }

    /// The source system of the import: the key of the external IDs rows give.
    let source: String
    let sql: any SQLDatabase

    /// The customer each reference names, or why it names none (no one, or two customers).
    func resolve(_ references: [CustomerReference?]) async throws -> [Result<Customer, ValidationError>?] {
        let given = references.compactMap { $0 }
        var byID = try await customers(where: "id", in: Array(Set(given.compactMap(\.id))))
        let external = Set(given.filter { $0.id == nil }.compactMap(\.externalID))
        var holders: [String: UUID] = [:]
        for chunk in external.sorted().chunked(into: 500) {
            for row in try await sql.select().columns("external_id", "customer_id").from("customer_external_ids")
                .where("source", .equal, source).where("external_id", .in, Array(chunk)).all()
            {
                holders[try row.decode(column: "external_id", as: String.self)] =
                    try row.decode(column: "customer_id", as: UUID.self)
            }
        }
        var numbers = Set(given.filter { $0.id == nil && $0.externalID == nil }.compactMap(\.number?.value))
        numbers.formUnion(external.filter { holders[$0] == nil }.compactMap { CustomerNumber(parsing: $0)?.value })
        let numbered = try await customers(where: "number", in: Array(numbers)).values
        let byNumber = Dictionary(numbered.map { ($0.number, $0) }) { first, _ in first }
        let contactOnly = given.filter { $0.id == nil && $0.externalID == nil && $0.number == nil }
        let emails = try await CustomerContacts.holders(of: contactOnly.flatMap(\.emails), kind: .email, on: sql)
        let phones = try await CustomerContacts.holders(of: contactOnly.flatMap(\.phones), kind: .phone, on: sql)
        let others = Set(holders.values).union(emails.values.joined()).union(phones.values.joined())
            .subtracting(byID.keys)
        byID.merge(try await customers(where: "id", in: Array(others))) { first, _ in first }

        func failure(_ field: String, _ message: String) -> Result<Customer, ValidationError>? {
            .failure(ValidationError(field: field, code: "unknown_customer", message: message))
        }
        return references.map { reference -> Result<Customer, ValidationError>? in
            guard let reference else { return nil }
            if let id = reference.id {
                return byID[id].map { .success($0) }
                    ?? failure("customer_id", "no customer has the ID \(UUIDText.format(id))")
            }
            if let externalID = reference.externalID {
                if let id = holders[externalID], let customer = byID[id] { return .success(customer) }
                if let number = CustomerNumber(parsing: externalID), let customer = byNumber[number] {
                    return .success(customer)
                }
                return failure("customer_id", "no customer has the external ID \(externalID) in \(source)")
            }
            if let number = reference.number {
                return byNumber[number].map { .success($0) } ?? failure("customer_number", "no customer is \(number)")
            }
            var found: [UUID] = []
            for id in reference.emails.flatMap({ emails[$0] ?? [] }) + reference.phones.flatMap({ phones[$0] ?? [] })
            where !found.contains(id) {
                found.append(id)
            }
            let points = (reference.phones.map { "phone \($0)" } + reference.emails.map { "e-mail \($0)" })
                .joined(separator: ", ")
            let field = reference.phones.isEmpty ? "customer_email" : "customer_phone"
            switch found.count {
            case 0:
                return failure(field, "no customer has \(points)")
            case 1:
                return byID[found[0]].map { .success($0) } ?? failure(field, "no customer has \(points)")
            default:
                let numbers = found.compactMap { byID[$0]?.number }.sorted().map(\.description)
                return .failure(ValidationError(
                    field: field, code: "ambiguous_customer",
                    message: "\(points) belong to \(numbers.joined(separator: " and ")): which customer is meant is "
                        + "ambiguous; name it by its ID or number"))
            }
        }
    }

    /// Locks the customers a batch writes to, in one order, so concurrent writers (the API) wait rather than
    /// deadlock (PostgreSQL; SQLite has one writer).
    func lock(_ ids: Set<UUID>) async throws {
        guard sql.dialect.name == "postgresql", !ids.isEmpty else { return }
        for chunk in ids.sorted(by: { $0.uuidString < $1.uuidString }).chunked(into: 500) {
            try await sql.raw("""
                SELECT id FROM customers WHERE id IN (\(binds: Array(chunk))) ORDER BY id FOR UPDATE
                """).run()
        }
    }

    /// The customers whose `column` (`id` or `number`) is among `values`, by ID.
    private func customers<Value: Encodable & Sendable>(where column: String, in values: [Value]) async throws
        -> [UUID: Customer]
    {
        var found: [UUID: Customer] = [:]
        for chunk in values.chunked(into: 500) {
            for row in try await sql.select().columns("id", "number", "source").from("customers")
                .where(column, .in, Array(chunk)).all()
            {
                let id = try row.decode(column: "id", as: UUID.self)
                found[id] = Customer(id: id, number: CustomerNumber(try row.decode(column: "number", as: Int64.self)),
                                     source: try row.decode(column: "source", as: String?.self) ?? "")
            }
        }
        return found
    }
}
