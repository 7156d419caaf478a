import FluentKit
import Foundation
import RapportCore
import SQLKit

extension CustomerRepository {
    /// A page of customers, newest number first.
    /// - Parameters:
    ///   - search: the list's `q`: a substring of name, number, e-mail or phone.
    ///   - archived: archived customers instead of current ones.
    ///   - filter: a crowd rule the customers must satisfy.
    ///   - order: how the page is sorted; the newest number first unless told.
    ///   - before: the number of the previous page's last customer, after which this page starts in `order`; nil for
    ///     the first page. Only a number is passed, never a sort value such as a name, so a page's address names no
    ///     one.
    ///   - crowd: only the current members of this crowd (read from its membership, not by evaluating its rule).
    public func list(
        visibleTo visibility: CustomerVisibility, search: String?, filter: CrowdRule? = nil, crowd: UUID? = nil,
        archived: Bool, order: CustomerListOrder = .newest, before: CustomerNumber?, limit: Int
    ) async throws -> [StoredCustomer] {
        // SQLite's planner misjudges these pages: a filtered list it starts from an index of the filter's column (a
        // stage, say) and then sorts every match by number, and a list sorted by a stats column it sorts whole
        // because the page needs the customers' rows. Walking the table whose index gives the order until the page is
        // full reads far less, so that table is kept outside. (A filter matching very few customers walks further
        // than an index of its column would: 0.2 s on a million rather than milliseconds; typical filters go from
        // 0.5-0.7 s to under 0.1 s, and sorting by money from 0.4 s to under a millisecond.)
        let outer: CrowdSQL.Outer = CrowdSQL.Dialect(store.database as! any SQLDatabase) != .sqlite ? .planner
            : order.column?.table == "customer_stats" ? .stats
            : filter != nil && crowd == nil ? .customers : .planner
        let tables = CrowdSQL.tables(for: filter, outer: outer)
            + (crowd == nil ? "" : " JOIN crowd_members ON crowd_members.number = customers.number")
        let query = Self.selectStored(on: store.database, from: tables)
            .where(SQLColumn("archived_at", table: "customers"), archived ? .isNot : .is, SQLLiteral.null)
            .visible(to: visibility)
        if let crowd { query.where(SQLColumn("crowd_id", table: "crowd_members"), .equal, SQLBind(crowd)) }
        if let filter {
            let sql = store.database as! any SQLDatabase
            query.where(CrowdSQL(sql, now: store.clock.now()).condition(filter))
        }
        let needles = search.map(CustomerSearch.needles(for:)) ?? []
        if !needles.isEmpty {
            query.where { group in
                needles.reduce(group) { group, needle in
                    group.orWhere(SQLQueryString("search_text LIKE \(bind: Self.likePattern(needle)) ESCAPE '\\'"))
                }
            }
        }
        // The tie-breaking number is taken from the table whose index gives the order: the membership's
        // (crowd_id, number) key within a crowd, the stats' (column, number) index for a stats column. (They all hold
        // the customer's number; named otherwise, SQLite would not see that an index gives the order, and would sort.)
        let number = SQLColumn("number", table: crowd != nil && order == .newest ? "crowd_members"
                                   : order.column?.table ?? "customers")
        let direction: SQLDirection = order.ascending ? .ascending : .descending
        if let before {
            if let (table, column) = order.column {
                // The row value of the previous page's last customer, looked up by its number.
                query.where(SQLQueryString("""
                    (\(ident: table).\(ident: column), \(ident: table).number) \(unsafeRaw: order.ascending ? ">" : "<") \
                    (SELECT \(ident: table).\(ident: column), \(ident: table).number FROM \(ident: table) \
                    WHERE \(ident: table).number = \(bind: before.value))
                    """))
            } else {
                query.where(number, .lessThan, SQLBind(before.value))
            }
        }
        if let (table, column) = order.column { query.orderBy(SQLColumn(column, table: table), direction) }
        return try await query.orderBy(number, direction).limit(limit).all().map(Self.stored(from:))
    }

    /// A LIKE pattern matching `needle` anywhere, with LIKE's own wildcards taken literally (escaped with `\`).
    private static func likePattern(_ needle: String) -> String {
        let escaped = needle.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return "%" + escaped + "%"
    }
}

/// The orders the customer list offers. Each has an index ending in the customer number, the tie-breaker.
public enum CustomerListOrder: String, CaseIterable, Sendable {
    /// The newest number first.
    case newest
    /// By name, A to Z (by code point: pinyin order would need a collation both databases lack).
    case name
    /// The most money spent first.
    case spent
    /// The most orders first.
    case orders

    /// The sorted column, nil for the number itself.
    var column: (table: String, column: String)? {
        switch self {
        case .newest: nil
        case .name: ("customers", "name")
        case .spent: ("customer_stats", "total_spent_minor")
        case .orders: ("customer_stats", "orders_count")
        }
    }

    var ascending: Bool { self == .name }
}
