import Foundation
import RapportCore
import SQLKit

/// Customers as crowd rules see them (`CrowdSubject`), read with everything a rule can test: the document, the
/// stats, the value and the owner's e-mail address. The in-memory evaluator runs on these for one customer after
/// each of its writes.
enum CrowdSubjects {
    /// A customer's subject, with its number and ID.
    struct Loaded: Sendable {
        let id: UUID
        let number: Int64
        let archived: Bool
        let subject: CrowdSubject
    }

    /// The subjects of the customers `condition` selects (on `customers`, `customer_stats`, `customer_values`).
    static func load(where condition: SQLQueryString, on sql: any SQLDatabase) async throws -> [Loaded] {
        var query: SQLQueryString = """
            SELECT \(unsafeRaw: CustomerRepository.storedColumns.joined(separator: ", ")), \
            customer_values.tier, customer_values.abc, customer_values.rfm_group, customer_values.rfm_r, \
            customer_values.rfm_f, customer_values.rfm_m, customer_values.clv_minor, customer_values.p_alive, \
            customer_values.churn_risk, users.email AS owner_email \
            FROM \(unsafeRaw: CustomerRepository.joinedTables) \
            LEFT JOIN customer_values ON customer_values.number = customers.number \
            LEFT JOIN users ON users.id = customers.owner_id WHERE 
            """
        query += condition
        return try await sql.raw(query).all().map { row in
            let stored = try CustomerRepository.stored(from: row)
            let customer = try stored.decoded()
            var subject = CrowdSubject(customer, stats: stored.stats)
            subject.owner = try row.decode(column: "owner_email", as: String?.self)
            if let tier = try row.decode(column: "tier", as: String?.self) {
                subject.tier = tier
                subject.abc = try row.decode(column: "abc", as: String.self)
                subject.rfmGroup = try row.decode(column: "rfm_group", as: String.self)
                subject.rfmR = Int(try row.decode(column: "rfm_r", as: Int64.self))
                subject.rfmF = Int(try row.decode(column: "rfm_f", as: Int64.self))
                subject.rfmM = Int(try row.decode(column: "rfm_m", as: Int64.self))
                subject.clvMinor = try row.decode(column: "clv_minor", as: Int64.self)
                subject.pAlive = try row.decode(column: "p_alive", as: Double.self)
                subject.churnRisk = try row.decode(column: "churn_risk", as: Double.self)
            }
            return Loaded(id: stored.id, number: stored.number.value, archived: stored.archivedAt != nil,
                          subject: subject)
        }
    }
}

extension CrowdSubject {
    /// A customer's fields and stats as a subject; the value and the owner's address are set by the caller.
    init(_ customer: Customer, stats: CustomerStats) {
        self.init()
        let fields = customer.fields
        kind = fields.kind.rawValue
        name = fields.name
        number = customer.number.value
        createdAt = customer.createdAt
        stage = stats.stage.stage.rawValue
        stageSince = stats.stage.since
        ordersCount = Int(stats.purchases.ordersCount)
        totalSpentMinor = stats.purchases.totalSpentMinor
        firstPurchaseAt = stats.purchases.firstPurchaseAt
        lastPurchaseAt = stats.purchases.lastPurchaseAt
        lastInteractionAt = stats.interactions.lastInteractionAt
        birthdayMonth = fields.birthday?.month
        tags = fields.tags
        attributes = fields.attributes
        countries = fields.addresses.compactMap(\.country)
        provinces = fields.addresses.compactMap(\.province)
        cities = fields.addresses.compactMap(\.city)
        source = fields.source
        team = fields.team
        let flags = [fields.consent.email, fields.consent.sms, fields.consent.phone, fields.consent.wechat]
        consent = Dictionary(uniqueKeysWithValues: zip(Consent.channels, flags).compactMap { channel, flag in
            flag.map { (channel, $0) }
        })
    }
}
