import Foundation
import RapportCore
import RapportStore
import Vapor

/// Lifecycle stages: manual overrides (`/api/v1/customers/{id}/stage`), a full recompute and the count per stage.
struct LifecycleController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.put(APIPath.customers, APIPath.id, APIPath.stage, use: setOverride)
        routes.delete(APIPath.customers, APIPath.id, APIPath.stage, use: clearOverride)
        routes.post(APIPath.lifecycle, "recompute", use: recompute)
        routes.get(APIPath.lifecycle, "summary", use: summary)
    }

    @Sendable func setOverride(request: Request) async throws -> Response {
        let principal = try request.principal
        try CustomersController.requireWrite(principal)
        let (stage, reason) = try LifecycleRequests.parseOverride(try await request.jsonBody())
        let customer = try await repository(request).setOverride(
            try request.uuidParameter("id"), stage: stage, reason: reason,
            visibleTo: AccessPolicy.visibility(for: principal), actor: principal.actor, source: .api)
        return CustomerJSON.response(customer)
    }

    @Sendable func clearOverride(request: Request) async throws -> Response {
        let principal = try request.principal
        try CustomersController.requireWrite(principal)
        let customer = try await repository(request).clearOverride(
            try request.uuidParameter("id"), visibleTo: AccessPolicy.visibility(for: principal),
            actor: principal.actor, source: .api)
        return CustomerJSON.response(customer)
    }

    /// Admin only: it touches every customer. The body (`{as_of}`) is optional.
    @Sendable func recompute(request: Request) async throws -> Response {
        let principal = try request.principal
        guard AccessPolicy.canAdminister(principal) else {
            throw Problem(.forbidden, type: ProblemType.forbidden, detail: "only administrators may recompute stages and values")
        }
        var asOf: Date?
        let length = request.headers.first(name: .contentLength).flatMap(Int.init) ?? 0
        if request.headers.contentType != nil || length > 0 || request.headers.contains(name: .transferEncoding) {
            asOf = try LifecycleRequests.parseRecompute(try await request.jsonBody())
        }
        let instant = asOf ?? request.rapport.clock.now()
        let started = Date()
        let outcome = try await Recompute(store: try request.store, services: request.rapport).run(at: instant)
        let values = outcome.values, report = outcome.lifecycle
        let analytics: JSONValue = .object([
            "scored": .number(Double(values.scored)),
            "values_written": .number(Double(values.written)),
            "values_removed": .number(Double(values.removed)),
            "events": .number(Double(values.events)),
            "skipped": values.skipped.map(JSONValue.string) ?? .null,
        ])
        return try APIJSON.response(JSONValue.object([
            "as_of": .string(RFC3339.format(instant)),
            "examined": .number(Double(report.examined)),
            "stage_changed": .number(Double(report.stageChanged)),
            "interactions_changed": .number(Double(report.interactionsChanged)),
            "events": .number(Double(report.events)),
            "analytics": analytics,
            "crowds": .object([
                "refreshed": .number(Double(outcome.crowds.crowds)),
                "entered": .number(Double(outcome.crowds.entered)),
                "left": .number(Double(outcome.crowds.left)),
            ]),
            "duration_ms": .number((Date().timeIntervalSince(started) * 1000).rounded()),
        ]))
    }

    /// Counts of current customers per stage, now or at `as_of`.
    @Sendable func summary(request: Request) async throws -> Response {
        _ = try request.principal
        let asOf = try request.asOfParameter()
        let counts = try await repository(request).summary(at: asOf)
        var stages: [String: JSONValue] = [:]
        for (stage, count) in counts { stages[stage.rawValue] = .number(Double(count)) }
        return try APIJSON.response(JSONValue.object([
            "as_of": asOf.map { .string(RFC3339.format($0)) } ?? .null,
            "stages": .object(stages),
            "total": .number(Double(counts.values.reduce(0, +))),
        ]))
    }

    private func repository(_ request: Request) throws -> LifecycleRepository {
        LifecycleRepository(try request.store, engine: request.rapport.lifecycle)
    }
}
