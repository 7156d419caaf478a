import Foundation
import RapportCore
import RapportStore
import Vapor

/// Data-subject requests (PIPL/GDPR) on `/api/v1/customers/{id}`: `GET …/export` and `POST …/erase`. Both are
/// recorded in the audit log.
extension CustomersController {
    /// `GET /api/v1/customers/{id}/export`: everything held about the customer, as one JSON attachment. Whoever may
    /// read the customer may export it; others get the 404 a read would give.
    @Sendable func export(request: Request) async throws -> Response {
        let principal = try request.principal
        let export = try await DataSubjectRepository(request.store).export(
            try request.uuidParameter("id"), visibleTo: AccessPolicy.visibility(for: principal),
            actor: principal.actor)
        let response = try APIJSON.response(
            CustomerExportJSON.document(export, currency: request.rapport.settings.baseCurrency))
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"customer-\(export.customer.number).json\"")
        return response
    }

    /// `POST /api/v1/customers/{id}/erase` (admins only): the customer's personal data removed, a tombstone kept.
    /// The body, if any, must be an empty object. A refusal is audit-logged too.
    @Sendable func erase(request: Request) async throws -> Response {
        let principal = try request.principal
        let id = try request.uuidParameter("id")
        guard AccessPolicy.canAdminister(principal) else {
            try await AuditLog(request.store).append(.customer(
                id, actor: principal.actor, action: .permissionDenied,
                detail: ["operation": .string(AuditAction.customerErased.rawValue)]))
            throw Problem(.forbidden, type: ProblemType.forbidden, detail: "only administrators may erase customers")
        }
        let expectedVersion = try ETag.expectedVersion(request)
        let length = request.headers.first(name: .contentLength).flatMap(Int.init) ?? 0
        if request.headers.contentType != nil || length > 0 || request.headers.contains(name: .transferEncoding) {
            try CustomerErasure.parseRequest(try await request.jsonBody())
        }
        let gone = Problem(.gone, type: ProblemType.erased,
                           detail: "the customer this response was about has been erased").response()
        let replacement = StoredResponse(
            status: Int(gone.status.code),
            headers: gone.headers.contentType.map { ["Content-Type": $0.serialize()] } ?? [:],
            body: gone.body.buffer.map { Data(buffer: $0) } ?? Data())
        let outcome = try await DataSubjectRepository(request.store).erase(
            id, expectedVersion: expectedVersion, actor: principal.actor, source: .api, replacement: replacement)
        return CustomerJSON.response(outcome.customer)
    }
}
