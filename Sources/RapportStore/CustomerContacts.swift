import FluentKit
import Foundation
import RapportCore
import SQLKit

/// The `customer_contacts` index (see `M0014_CreateCustomerContacts`): who has which e-mail address and phone number.
enum CustomerContacts {
    /// The kind of a contact point, as stored.
    enum Kind: String, Sendable {
        case email, phone
    }

    /// A customer's contact points, already normalised by the fields' parser (lower-case e-mail, E.164 phone).
    static func of(_ fields: CustomerFields) -> [(Kind, String)] {
        fields.emails.map { (.email, $0.address) } + fields.phones.map { (.phone, $0.number) }
    }

    /// Adds the contact points of new customers.
    static func insert(_ customers: [(id: UUID, fields: CustomerFields)], on database: any Database) async throws {
        let rows = customers.flatMap { customer in
            of(customer.fields).map { [BulkValue.text($0.0.rawValue), .text($0.1), .uuid(customer.id)] }
        }
        try await BulkInsert.insert(into: "customer_contacts", columns: ["kind", "value", "customer_id"], rows: rows,
                                    on: database)
    }

    /// Replaces a customer's contact points when they changed.
    static func update(_ customerID: UUID, from old: CustomerFields, to new: CustomerFields,
                       on database: any Database) async throws
    {
        try await update([(customerID, old, new)], on: database)
    }

    /// Replaces the contact points of the customers whose contact points changed.
    static func update(_ changes: [(id: UUID, old: CustomerFields, new: CustomerFields)], on database: any Database)
        async throws
    {
        let changed = changes.filter { _, old, new in
            old.emails.map(\.address) != new.emails.map(\.address) || old.phones.map(\.number) != new.phones.map(\.number)
        }
        for chunk in changed.map(\.id).chunked(into: 500) {
            try await (database as! any SQLDatabase).delete(from: "customer_contacts")
                .where("customer_id", .in, SQLBind.group(Array(chunk))).run()
        }
        try await insert(changed.map { ($0.id, $0.new) }, on: database)
    }

    /// The customers holding each of these values of a kind.
    static func holders(of values: [String], kind: Kind, on sql: any SQLDatabase) async throws -> [String: [UUID]] {
        var holders: [String: [UUID]] = [:]
        for chunk in Array(Set(values)).sorted().chunked(into: 500) {
            let rows = try await sql.select().columns("value", "customer_id").from("customer_contacts")
                .where("kind", .equal, kind.rawValue).where("value", .in, Array(chunk)).all()
            for row in rows {
                holders[try row.decode(column: "value", as: String.self), default: []]
                    .append(try row.decode(column: "customer_id", as: UUID.self))
            }
        }
        return holders
    }

    /// Fills the index from every customer's document (the migration's backfill).
    static func rebuild(on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM customer_contacts").run()
        for (kind, array, member) in [("email", "emails", "address"), ("phone", "phones", "number")] {
            if sql.dialect.name == "postgresql" {
                try await sql.raw("""
                    INSERT INTO customer_contacts (kind, value, customer_id) \
                    SELECT \(bind: kind), e.value ->> \(bind: member), c.id FROM customers c, \
                    jsonb_array_elements(c.document::jsonb -> \(bind: array)) AS e(value) \
                    WHERE e.value ->> \(bind: member) IS NOT NULL
                    """).run()
            } else {
                try await sql.raw("""
                    INSERT INTO customer_contacts (kind, value, customer_id) \
                    SELECT \(bind: kind), json_extract(e.value, '$.' || \(bind: member)), c.id FROM customers c, \
                    json_each(c.document, '$.' || \(bind: array)) AS e \
                    WHERE json_extract(e.value, '$.' || \(bind: member)) IS NOT NULL
                    """).run()
            }
        }
    }
}
