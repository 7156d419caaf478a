import FluentKit
import Foundation
import RapportCore
import SQLKit

/// Pages of everything an export writes, oldest first, each page continuing after the last of the previous one, so an
/// export of any size streams with constant memory. A filter keeps the current customers a crowd rule selects (and
/// their transactions, interactions and events); visibility applies as in lists.
public struct ExportRepository: Sendable {
    let store: RapportDatabase

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    private var sql: any SQLDatabase { store.database as! any SQLDatabase }

    /// Current customers in number order, after `after`.
    public func customers(filter: CrowdRule?, visibleTo visibility: CustomerVisibility, after: CustomerNumber?,
                          limit: Int) async throws -> [StoredCustomer]
    {
        let query = CustomerRepository.selectStored(on: store.database, from: CrowdSQL.tables(for: filter))
            .where(SQLColumn("archived_at", table: "customers"), .is, SQLLiteral.null)
            .visible(to: visibility)
        if let filter { query.where(CrowdSQL(sql, now: store.clock.now()).condition(filter)) }
        if let after { query.where(SQLColumn("number", table: "customers"), .greaterThan, SQLBind(after.value)) }
        return try await query.orderBy(SQLColumn("number", table: "customers")).limit(limit).all()
            .map(CustomerRepository.stored(from:))
    }

    /// Transactions by ID (time-ordered), after `after`.
    public func transactions(filter: CrowdRule?, visibleTo visibility: CustomerVisibility, after: UUID?, limit: Int)
        async throws -> [Transaction]
    {
        let query = sql.select().columns(TransactionRows.columns.map { SQLColumn($0) }).from("transactions")
        restrict(query, filter: filter, visibility: visibility)
        if let after { query.where("id", .greaterThan, SQLBind(after)) }
        return try await query.orderBy("id").limit(limit).all().map(TransactionRows.decode)
    }

    /// Interactions by ID (time-ordered), after `after`.
    public func interactions(filter: CrowdRule?, visibleTo visibility: CustomerVisibility, after: UUID?, limit: Int)
        async throws -> [Interaction]
    {
        let query = sql.select().columns(InteractionRows.columns.map { SQLColumn($0) }).from("interactions")
        restrict(query, filter: filter, visibility: visibility)
        if let after { query.where("id", .greaterThan, SQLBind(after)) }
        return try await query.orderBy("id").limit(limit).all().map(InteractionRows.decode)
    }

    /// Events in the order they were recorded (`seq`), after `after`.
    public func events(filter: CrowdRule?, visibleTo visibility: CustomerVisibility, after: Int64?, limit: Int)
        async throws -> [ChangeEvent]
    {
        let query = CustomerEventModel.query(on: store.database)
        if let after { query.filter(\.$id > after) }
        if filter != nil || visibility != .all {
            let customers = sql.select().column(SQLColumn("id", table: "customers"))
            restrictCustomers(customers, filter: filter, visibility: visibility)
            query.filter(.sql(embed: "customer_id IN (\(customers.query))"))
        }
        return try await query.sort(\.$id).limit(limit).all().map { try $0.toEvent() }
    }

    /// The attribute keys any customer has, sorted: the customer CSV gives each a column.
    public func attributeKeys() async throws -> [String] {
        let query: SQLQueryString = sql.dialect.name == "postgresql"
            ? "SELECT DISTINCT jsonb_object_keys((document::jsonb) -> 'attributes') AS key FROM customers"
            : "SELECT DISTINCT attribute.key AS key FROM customers, json_each(customers.document, '$.attributes') AS attribute"
        return try await sql.raw(query).all().map { try $0.decode(column: "key", as: String.self) }.sorted()
    }

    /// The source systems of customers' external IDs, sorted: the customer CSV gives each a column.
    public func externalIDSources() async throws -> [String] {
        try await sql.raw("SELECT DISTINCT source FROM customer_external_ids ORDER BY source").all()
            .map { try $0.decode(column: "source", as: String.self) }
    }

    /// Keeps rows of the customers the filter and visibility allow.
    private func restrict(_ query: SQLSelectBuilder, filter: CrowdRule?, visibility: CustomerVisibility) {
        guard filter != nil || visibility != .all else { return }
        let customers = sql.select().column(SQLColumn("id", table: "customers"))
        restrictCustomers(customers, filter: filter, visibility: visibility)
        query.where(SQLQueryString("customer_id IN (\(customers.query))"))
    }

    private func restrictCustomers(_ query: SQLSelectBuilder, filter: CrowdRule?, visibility: CustomerVisibility) {
        query.from(SQLRaw(CrowdSQL.tables(for: filter))).visible(to: visibility)
        if let filter {
            query.where(SQLColumn("archived_at", table: "customers"), .is, SQLLiteral.null)
            query.where(CrowdSQL(sql, now: store.clock.now()).condition(filter))
        }
    }
}
