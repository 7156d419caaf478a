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
        // Every bulk read of personal data leaves a trace.
        let principal = try request.principal
        _ = try await AuditLog(request.store).append(NewAuditEntry(
            actor: principal.actor, action: .dataExported, targetKind: kind.rawValue,
            detail: ["kind": .string(kind.rawValue), "format": .string(format.rawValue),
                     "filtered": .bool(filter != nil), "via": "api"]))
        let exporter = Exporter(try request.store)
        let chosen = format
        let logger = request.logger
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: format.mediaType)
        headers.replaceOrAdd(name: .contentDisposition,
                             value: "attachment; filename=\"\(kind.rawValue).\(format.rawValue)\"")
        return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
            do {
                _ = try await exporter.export(kind, format: chosen, filter: filter, visibleTo: visibility) { text in
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
