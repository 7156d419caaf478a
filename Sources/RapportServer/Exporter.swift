import Foundation
import RapportCore
import RapportStore

/// Writes exports of customers, transactions, interactions or events as CSV or JSON Lines, page by page, for the CLI
/// (`rapport export`) and the API (`GET /api/v1/exports/{kind}`).
///
/// JSON Lines hold one object per line, as the API shows it. Customer CSV is `CustomerExportRow`'s, which
/// `rapport import customers` reads back to the same fields (a column per attribute key and external ID source, and
/// a byte order mark so spreadsheets take it for UTF-8); the other CSVs have a column per key of the API's object,
/// texts as they are and other values as JSON.
public struct Exporter: Sendable {
    /// What to export.
    public enum Kind: String, CaseIterable, Sendable {
        case customers, transactions, interactions, events
    }

    /// How to write it.
    public enum Format: String, CaseIterable, Sendable {
        case csv, jsonl

        /// The media type of a file in this format.
        public var mediaType: String {
            self == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8"
        }
    }

    let store: RapportDatabase
    /// Rows read per query.
    let pageSize: Int

    /// Wraps the database.
    public init(_ store: RapportDatabase, pageSize: Int = 1000) {
        self.store = store
        self.pageSize = pageSize
    }

    /// The columns of the non-customer CSVs: the keys of the API's objects.
    static let columns: [Kind: [String]] = [
        .transactions: ["id", "customer_id", "kind", "occurred_at", "recorded_at", "currency", "amount_minor",
                        "refunded_minor", "channel", "external_id", "refund_of", "lines"],
        .interactions: ["id", "customer_id", "channel", "direction", "occurred_at", "recorded_at", "subject", "notes",
                        "outcome", "duration_seconds", "quality", "user_id"],
        .events: ["seq", "customer_id", "family", "kind", "field", "old_value", "new_value", "actor", "source",
                  "occurred_at", "recorded_at"],
    ]

    /// Exports `kind`, handing `write` one page's text at a time; returns how many rows it wrote.
    public func export(
        _ kind: Kind, format: Format, filter: CrowdRule?, visibleTo visibility: CustomerVisibility,
        write: (String) async throws -> Void
    ) async throws -> Int {
        let repository = ExportRepository(store)
        var rows = 0
        func page(_ lines: [String]) async throws {
            rows += lines.count
            if !lines.isEmpty { try await write(lines.joined()) }
        }
        switch kind {
        case .customers:
            let csv = format == .csv ? CustomerExportRow(attributeKeys: try await repository.attributeKeys(),
                                                        externalIDSources: try await repository.externalIDSources())
                : nil
            if let csv { try await write(DelimitedTextWriter.byteOrderMark + DelimitedTextWriter.record(csv.header)) }
            var after: CustomerNumber?
            while true {
                let customers = try await repository.customers(filter: filter, visibleTo: visibility, after: after,
                                                               limit: pageSize)
                try await page(try customers.map { customer in
                    guard let csv else { return CustomerJSON.object(customer) + "\n" }
                    return DelimitedTextWriter.record(csv.record(try customer.decoded()))
                })
                guard customers.count == pageSize, let last = customers.last else { return rows }
                after = last.number
            }
        case .transactions:
            try await header(kind, format, write)
            var after: UUID?
            while true {
                let items = try await repository.transactions(filter: filter, visibleTo: visibility, after: after,
                                                              limit: pageSize)
                try await page(items.map { Self.line($0.json(), kind, format) })
                guard items.count == pageSize, let last = items.last else { return rows }
                after = last.id
            }
        case .interactions:
            try await header(kind, format, write)
            var after: UUID?
            while true {
                let items = try await repository.interactions(filter: filter, visibleTo: visibility, after: after,
                                                              limit: pageSize)
                try await page(items.map { Self.line($0.json, kind, format) })
                guard items.count == pageSize, let last = items.last else { return rows }
                after = last.id
            }
        case .events:
            try await header(kind, format, write)
            var after: Int64?
            while true {
                let items = try await repository.events(filter: filter, visibleTo: visibility, after: after,
                                                        limit: pageSize)
                try await page(try items.map { event in
                    let data = try APIJSON.encoder.encode(EventDTO(event))
                    guard format == .csv else { return String(decoding: data, as: UTF8.self) + "\n" }
                    return Self.line(try JSONValue.parse(data), kind, format)
                })
                guard items.count == pageSize, let last = items.last else { return rows }
                after = last.seq
            }
        }
    }

    private func header(_ kind: Kind, _ format: Format, _ write: (String) async throws -> Void) async throws {
        guard format == .csv, let columns = Self.columns[kind] else { return }
        try await write(DelimitedTextWriter.byteOrderMark + DelimitedTextWriter.record(columns))
    }

    /// One object as a line of JSON Lines or a CSV record of `kind`'s columns.
    private static func line(_ object: JSONValue, _ kind: Kind, _ format: Format) -> String {
        guard format == .csv else { return object.encodedText() + "\n" }
        return DelimitedTextWriter.record((columns[kind] ?? []).map { key in
            switch object.objectValue?[key] {
            case .string(let text)?: text
            case nil, .null?: ""
            case let value?: value.encodedText()
            }
        })
    }
}
