import Foundation
import RapportCore
import RapportStore
import Vapor

/// `/api/v1/duplicates` and `/api/v1/merges`: the duplicate review queue — scan, list side by side, merge, dismiss —
/// and undoing a merge. For admins and managers (`AccessPolicy.canMergeCustomers`).
struct DuplicatesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let duplicates = routes.grouped(APIPath.duplicates)
        duplicates.get(use: list)
        duplicates.post("scan", use: scan)
        duplicates.get(APIPath.id, use: show)
        duplicates.post(APIPath.id, "merge", use: merge)
        duplicates.post(APIPath.id, "dismiss", use: dismiss)
        let merges = routes.grouped(APIPath.merges)
        merges.get(APIPath.id, use: showMerge)
        merges.post(APIPath.id, "undo", use: undo)
    }

    @Sendable func list(request: Request) async throws -> Response {
        try Self.requireReviewer(request)
        var status = DuplicateCandidate.Status.open
        if let text = request.query[String.self, at: "status"] {
            guard let value = DuplicateCandidate.Status(rawValue: text) else {
                throw Problem.badParameter("status", "expected one of: open, merged, dismissed")
            }
            status = value
        }
        let limit = try request.pageLimit()
        var after: (score: Double, id: UUID)?
        if let cursor = request.query[String.self, at: "cursor"] {
            guard let values = PageCursor.decode(cursor, count: 3) else {
                throw Problem.badParameter("cursor", "not a cursor this list gave out")
            }
            after = (Double(bitPattern: UInt64(bitPattern: values[0])), Self.uuid(values[1], values[2]))
        }
        let store = try request.store
        let candidates = try await DuplicateRepository(store).list(status: status, after: after, limit: limit)
        let customers = try await CustomerRepository(store).find(candidates.flatMap { [$0.firstID, $0.secondID] })
        let items = try candidates.map { try Self.json($0, customers: customers) }
        let next = candidates.count == limit ? candidates.last.map { last -> String in
            let (high, low) = Self.halves(last.id)
            return PageCursor.encode([Int64(bitPattern: last.score.bitPattern), high, low])
        } : nil
        return Self.response("{\"items\":[\(items.joined(separator: ","))],\"next_cursor\":"
            + (next.map { "\"\($0)\"" } ?? "null") + "}")
    }

    @Sendable func show(request: Request) async throws -> Response {
        try Self.requireReviewer(request)
        let store = try request.store
        let candidate = try await DuplicateRepository(store).find(try request.uuidParameter("id"))
        return Self.response(try await Self.json(candidate, store: store))
    }

    @Sendable func scan(request: Request) async throws -> Response {
        let principal = try Self.requireReviewer(request)
        let body = try await request.jsonBody()
        var input = StrictObject(body, allowed: ["min_score"])
        var minScore = DuplicateScorer.defaultThreshold
        if let value = input.members["min_score"], value != .null {
            if let number = value.numberValue, (0.5...1).contains(number) {
                minScore = number
            } else {
                input.fail("min_score", "out_of_range", "expected a number from 0.5 to 1")
            }
        }
        try input.check()
        let report = try await DuplicateRepository(try request.store).scan(
            minScore: minScore, autoMergeAt: request.rapport.settings.dedupeAutoMerge, actor: principal.actor)
        return try APIJSON.response(JSONValue.object([
            "customers": .number(Double(report.customers)), "compared": .number(Double(report.compared)),
            "found": .number(Double(report.pairs.count)), "added": .number(Double(report.added)),
            "removed": .number(Double(report.removed)),
            "merged": .number(Double(report.pairs.filter(\.merged).count)),
        ]))
    }

    @Sendable func merge(request: Request) async throws -> Response {
        let principal = try Self.requireReviewer(request)
        let store = try request.store
        let record = try await CustomerMerger(store).merge(candidate: try request.uuidParameter("id"),
                                                           actor: principal.actor)
        return Self.response(try await Self.json(record, store: store))
    }

    @Sendable func dismiss(request: Request) async throws -> Response {
        let principal = try Self.requireReviewer(request)
        let store = try request.store
        let candidate = try await DuplicateRepository(store).dismiss(try request.uuidParameter("id"),
                                                                     actor: principal.actor)
        return Self.response(try await Self.json(candidate, store: store))
    }

    @Sendable func showMerge(request: Request) async throws -> Response {
        try Self.requireReviewer(request)
        let store = try request.store
        return Self.response(try await Self.json(try await CustomerMerger(store).find(try request.uuidParameter("id")),
                                                 store: store))
    }

    @Sendable func undo(request: Request) async throws -> Response {
        let principal = try Self.requireReviewer(request)
        let store = try request.store
        let record = try await CustomerMerger(store).undo(try request.uuidParameter("id"), actor: principal.actor)
        return Self.response(try await Self.json(record, store: store))
    }

    // MARK: - Helpers

    @discardableResult
    private static func requireReviewer(_ request: Request) throws -> Principal {
        let principal = try request.principal
        guard AccessPolicy.canMergeCustomers(principal) else {
            throw StoreError.forbidden("reviewing duplicates and merging customers is for admins and managers")
        }
        return principal
    }

    /// A candidate with both customers as they are now, side by side.
    private static func json(_ candidate: DuplicateCandidate, store: RapportDatabase) async throws -> String {
        try json(candidate, customers: try await CustomerRepository(store).find([candidate.firstID, candidate.secondID]))
    }

    /// A candidate with its customers taken from `customers`.
    private static func json(_ candidate: DuplicateCandidate, customers: [UUID: StoredCustomer]) throws -> String {
        guard let firstCustomer = customers[candidate.firstID], let secondCustomer = customers[candidate.secondID]
        else { throw StoreError.notFound }
        let first = CustomerJSON.object(firstCustomer)
        let second = CustomerJSON.object(secondCustomer)
        let members: JSONValue = [
            "id": .string(UUIDText.format(candidate.id)),
            "score": .number((candidate.score * 1000).rounded() / 1000),
            "reasons": .array(candidate.reasons.map(JSONValue.string)),
            "status": .string(candidate.status.rawValue),
            "found_at": .string(RFC3339.format(candidate.foundAt)),
            "decided_at": candidate.decidedAt.map { .string(RFC3339.format($0)) } ?? .null,
            "merge_id": candidate.mergeID.map { .string(UUIDText.format($0)) } ?? .null,
        ]
        return String(members.encodedText().dropLast()) + ",\"customers\":[\(first),\(second)]}"
    }

    /// A merge with both customers as they are now.
    private static func json(_ record: CustomerMergeRecord, store: RapportDatabase) async throws -> String {
        let customers = try await CustomerRepository(store).find([record.survivorID, record.mergedID])
        guard let survivorCustomer = customers[record.survivorID], let mergedCustomer = customers[record.mergedID]
        else { throw StoreError.notFound }
        let survivor = CustomerJSON.object(survivorCustomer)
        let merged = CustomerJSON.object(mergedCustomer)
        let members: JSONValue = [
            "id": .string(UUIDText.format(record.id)),
            "candidate_id": record.candidateID.map { .string(UUIDText.format($0)) } ?? .null,
            "status": .string(record.status.rawValue),
            "merged_at": .string(RFC3339.format(record.mergedAt)),
            "undone_at": record.undoneAt.map { .string(RFC3339.format($0)) } ?? .null,
        ]
        return String(members.encodedText().dropLast()) + ",\"survivor\":\(survivor),\"merged\":\(merged)}"
    }

    private static func response(_ json: String) -> Response {
        Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(string: json))
    }

    private static func halves(_ id: UUID) -> (Int64, Int64) {
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (Int64(bitPattern: high), Int64(bitPattern: low))
    }

    private static func uuid(_ high: Int64, _ low: Int64) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: UInt64(bitPattern: high) >> (56 - 8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: UInt64(bitPattern: low) >> (56 - 8 * index))
        }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                           bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
