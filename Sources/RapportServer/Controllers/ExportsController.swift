import Foundation
import NIOCore
import RapportCore
import RapportStore
import Vapor

/// `GET /api/v1/exports/{kind}?format=csv|jsonl&filter=…`: customers, transactions, interactions or events as a file,
/// streamed page by page. Covers what the caller may see; `filter` keeps the current customers a crowd rule selects.
struct ExportsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("exports").get(":kind", use: export)
    }

    @Sendable func export(request: Request) async throws -> Response {
        let visibility = AccessPolicy.visibility(for: try request.principal)
        guard let kind = request.parameters.get("kind").flatMap(Exporter.Kind.init(rawValue:)) else {
            throw Problem(.notFound, type: ProblemType.notFound,
                          detail: "exports are of customers, transactions, interactions or events")
        }
        var format = Exporter.Format.csv
        if let text = request.query[String.self, at: "format"] {
            guard let value = Exporter.Format(rawValue: text) else {
                throw Problem.badParameter("format", "expected csv or jsonl")
            }
            format = value
        }
        let filter = try request.query[String.self, at: "filter"].map {
            try CrowdRequests.parseText($0, field: "filter", maxLength: CrowdRequests.maxFilterLength)
        }
        return try await Self.stream(kind, format: format, filter: filter, visibleTo: visibility, via: "api",
                                     request: request)
    }

    /// The export as a download, streamed page by page; audit-logged first: every bulk read of personal data leaves
    /// a trace.
    static func stream(
        _ kind: Exporter.Kind, format: Exporter.Format, filter: CrowdRule?, visibleTo visibility: CustomerVisibility,
        via: String, request: Request
    ) async throws -> Response {
        _ = try await AuditLog(request.store).append(NewAuditEntry(
            actor: try (request.webPrincipal ?? request.principal).actor, action: .dataExported,
            targetKind: kind.rawValue,
            detail: ["kind": .string(kind.rawValue), "format": .string(format.rawValue),
                     "filtered": .bool(filter != nil), "via": .string(via)]))
        let exporter = Exporter(try request.store)
        let logger = request.logger
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: format.mediaType)
        headers.replaceOrAdd(name: .contentDisposition,
                             value: "attachment; filename=\"\(kind.rawValue).\(format.rawValue)\"")
        return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
            do {
                _ = try await exporter.export(kind, format: format, filter: filter, visibleTo: visibility) { text in
                    try await writer.write(.buffer(ByteBuffer(string: text)))
                }
                try await writer.write(.end)
            } catch {
                // The status line is sent already: the client sees the body cut short.
                logger.error("export of \(kind.rawValue) failed: \(error)")
                try await writer.write(.error(error))
            }
        }))
    }
}