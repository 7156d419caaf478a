import Foundation
import RapportAnalytics
import RapportCore
import RapportStore
import Vapor

/// What the analytics engine found: a customer's value (`/customers/{id}/value`), its next products
/// (`/customers/{id}/recommendations`), the churn early-warning list and the fitted model (`/analytics/…`).
struct AnalyticsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIPath.customers, APIPath.id, "value", use: value)
        routes.get(APIPath.customers, APIPath.id, "recommendations", use: recommendations)
        routes.get(APIPath.analytics, "churn-warnings", use: churnWarnings)
        routes.get(APIPath.analytics, "model", use: model)
    }

    @Sendable func value(request: Request) async throws -> Response {
        let principal = try request.principal
        let repository = CustomerValueRepository(try request.store)
        let customerID = try request.uuidParameter("id")
        guard let row = try await repository.value(of: customerID, visibleTo: AccessPolicy.visibility(for: principal)),
            let model = try await repository.latestModel()
        else {
            throw Problem(.notFound, type: ProblemType.notFound,
                          detail: "no value yet: the customer has no purchase, or no recompute has run since its first")
        }
        return try APIJSON.response(Self.json(row, model: model, currency: request.rapport.settings.baseCurrency))
    }

    @Sendable func recommendations(request: Request) async throws -> Response {
        let principal = try request.principal
        let store = try request.store
        let customer = try await CustomerRepository(store).find(
            try request.uuidParameter("id"), visibleTo: AccessPolicy.visibility(for: principal))
        let repository = CustomerValueRepository(store)
        let bought = try await repository.boughtSKUs(of: customer.id)
        let affinities = try await repository.affinities(from: bought)
        let names = try await repository.productNames(bought.union(affinities.map(\.otherSKU)))
        let recommended = ProductAffinities.recommend(bought: bought, affinities: affinities, names: names)
        return try APIJSON.response(JSONValue.object([
            "items": .array(recommended.map { item in
                .object([
                    "sku": .string(item.sku), "name": .string(item.name),
                    "because_of_sku": .string(item.becauseOfSKU),
                    "confidence": .number(Self.rounded(item.confidence, 4)), "lift": .number(Self.rounded(item.lift, 3)),
                    "reason": .string(item.reason),
                ])
            }),
        ]))
    }

    @Sendable func churnWarnings(request: Request) async throws -> Response {
        let principal = try request.principal
        let limit = try request.pageLimit()
        var minRisk = 0.7
        if let text = request.query[String.self, at: "min_risk"] {
            guard let value = Double(text), value >= 0, value <= 1 else {
                throw Problem.badParameter("min_risk", "expected a number from 0 to 1")
            }
            minRisk = value
        }
        var after: (Int64, Int64)?
        if let cursor = request.query[String.self, at: "cursor"] {
            guard let values = PageCursor.decode(cursor, count: 2) else {
                throw Problem.badParameter("cursor", "not a cursor this list gave out")
            }
            after = (values[0], values[1])
        }
        let warnings = try await CustomerValueRepository(try request.store).churnWarnings(
            minRisk: minRisk, limit: limit, after: after, visibleTo: AccessPolicy.visibility(for: principal))
        let next = warnings.count == limit
            ? warnings.last.map { PageCursor.encode([$0.value.valueAtRiskMinor, $0.number]) } : nil
        return try APIJSON.response(PageDTO(items: warnings.map { warning -> JSONValue in
            let value = warning.value
            return .object([
                "customer_id": .string(UUIDText.format(warning.customerID)), "number": .number(Double(warning.number)),
                "name": .string(warning.name), "stage": .string(warning.stage),
                "risk": .number(Self.rounded(value.churnRisk, 4)),
                "value_at_risk_minor": .number(Double(value.valueAtRiskMinor)),
                "clv_minor": .number(Double(value.clvMinor)), "p_alive": .number(Self.rounded(value.pAlive, 4)),
                "rfm_group": .string(value.rfmGroup), "tier": .string(value.tier),
                "explanation": .string(value.churnExplanation),
            ])
        }, nextCursor: next))
    }

    @Sendable func model(request: Request) async throws -> Response {
        _ = try request.principal
        guard let model = try await CustomerValueRepository(try request.store).latestModel() else {
            throw Problem(.notFound, type: ProblemType.notFound, detail: "no model yet: run a recompute first")
        }
        var document = model.json.objectValue ?? [:]
        document["money_unit"] = .string("minor units of \(request.rapport.settings.baseCurrency)")
        return try APIJSON.response(JSONValue.object(document))
    }

    /// The value document of `GET /customers/{id}/value`.
    static func json(_ row: CustomerValueRow, model: ValueModel, currency: String) -> JSONValue {
        .object([
            "customer_id": .string(UUIDText.format(row.customerID)),
            "rfm": .object([
                "r": .number(Double(row.rfmR)), "f": .number(Double(row.rfmF)), "m": .number(Double(row.rfmM)),
                "score": .string("\(row.rfmR)\(row.rfmF)\(row.rfmM)"), "group": .string(row.rfmGroup),
                "group_zh": RFMGroup(rawValue: row.rfmGroup).map { .string($0.chineseName) } ?? .null,
            ]),
            "abc": .string(row.abc), "tier": .string(row.tier), "currency": .string(currency),
            "clv_minor": .number(Double(row.clvMinor)), "expected_spend_minor": .number(Double(row.expectedSpendMinor)),
            "p_alive": .number(rounded(row.pAlive, 4)),
            "expected_purchases": .object([
                "d30": .number(rounded(row.expected30, 4)), "d90": .number(rounded(row.expected90, 4)),
                "d365": .number(rounded(row.expected365, 4)),
            ]),
            "repeat_purchase_days": .number(Double(row.repeatDays)),
            "churn": .object([
                "risk": .number(rounded(row.churnRisk, 4)),
                "value_at_risk_minor": .number(Double(row.valueAtRiskMinor)),
                "explanation": .string(row.churnExplanation),
            ]),
            "shifts": .object([
                "frequency": row.frequencyShift.map(JSONValue.string) ?? .null,
                "basket": row.basketShift.map(JSONValue.string) ?? .null,
            ]),
            "model": .object([
                "version": .number(Double(model.version)), "fitted_at": .string(RFC3339.format(model.fittedAt)),
                "as_of": .string(RFC3339.format(model.asOf)), "time_unit": .string(model.timeUnitName),
            ]),
        ])
    }

    static func rounded(_ value: Double, _ digits: Int) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }
}
