import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore

/// Opening import files and reading their records, shared by the three kinds.
enum ImportFiles {
    /// A CSV or TSV file's reader, or the reason it cannot be read.
    static func delimited(_ file: String) throws -> DelimitedTextReader {
        do {
            return try DelimitedTextReader(fileAt: file)
        } catch {
            throw ArgumentParser.ValidationError("\(file): \(error)")
        }
    }

    /// A JSON Lines file's reader, or the reason it cannot be read.
    static func jsonLines(_ file: String) throws -> JSONLinesReader {
        do {
            return try JSONLinesReader(fileAt: file)
        } catch {
            throw ArgumentParser.ValidationError("\(file): \(error)")
        }
    }
}

/// The transactions of an import file, read and checked one at a time: from CSV, consecutive rows with one order
/// number make one record (`TransactionOrders`); from JSON Lines, each line is one.
struct TransactionRecords: ImportRecordSource {
    private var delimited: (reader: DelimitedTextReader, orders: TransactionOrders, rows: TransactionImportRow)?
    private var lines: (reader: JSONLinesReader, documents: TransactionImportDocument)?
    private var occurrences = ImportOccurrences()
    let description: String
    /// The file's column titles of the document's members, for the store's messages.
    let titles: [String: String]

    init(_ options: ImportOptions, zone: TimeZone, baseCurrency: String, phoneRegion: String) async throws {
        let documents = TransactionImportDocument(baseCurrency: baseCurrency, defaultPhoneRegion: phoneRegion)
        let reading = "; times in \(zone.identifier), money in \(documents.parser.baseCurrency)"
        if options.jsonLines {
            _ = try await options.overrides(TransactionColumn.self)
            lines = (try ImportFiles.jsonLines(options.file), documents)
            description = "JSON Lines, one transaction per line" + reading
            titles = [:]
            return
        }
        let reader = try ImportFiles.delimited(options.file)
        let overrides = try await options.overrides(TransactionColumn.self)
        let mapping = try await CommandErrors.explain {
            try ImportMapping<TransactionColumn>(header: reader.header, overrides: overrides)
        }
        let rows = TransactionImportRow(header: reader.header, mapping: mapping, reader: documents, zone: zone)
        delimited = (reader, TransactionOrders(reader: rows), rows)
        description = ImportPipeline.describe(reader, mapping) + reading
        titles = rows.titles
    }

    mutating func next() -> ImportItem<TransactionImport>? {
        if let (reader, orders, rows) = delimited {
            var (reader, orders) = (reader, orders)
            defer { delimited = (reader, orders, rows) }
            while true {
                let row: TransactionOrders.Row
                switch reader.next() {
                case nil:
                    guard let order = orders.finish() else { return nil }
                    return item(order)
                case .success(let record)?:
                    let parsed = Result { () throws(RapportCore.ValidationError) in try rows.parse(record.fields) }
                    row = TransactionOrders.Row(line: record.line, raw: record.raw,
                                                order: rows.orderNumber(of: record.fields), parsed: parsed)
                case .failure(let error)?:
                    let (line, raw, problem) = ImportPipeline.unreadable(error)
                    row = TransactionOrders.Row(line: line, raw: raw, order: nil, parsed: .failure(problem))
                }
                if let order = orders.add(row) { return item(order) }
            }
        }
        guard let (reader, documents) = lines else { return nil }
        var lineReader = reader
        defer { lines = (lineReader, documents) }
        switch lineReader.next() {
        case nil: return nil
        case .success(let line)?:
            let parsed = Result { () throws(RapportCore.ValidationError) in try documents.parse(line.value) }
            return item(rows: [(line.line, line.raw)], parsed)
        case .failure(let error)?:
            let (line, raw, problem) = ImportPipeline.unreadable(error)
            return item(rows: [(line, raw)], .failure(problem))
        }
    }

    private mutating func item(_ order: TransactionOrders.Order) -> ImportItem<TransactionImport> {
        item(rows: order.rows, order.parsed)
    }

    private mutating func item(rows: [(line: Int, raw: String)],
                               _ parsed: Result<TransactionImport, RapportCore.ValidationError>)
        -> ImportItem<TransactionImport>
    {
        // Only a transaction without an order number is known by its content and occurrence.
        let occurrence = (try? parsed.get()).map { $0.input.externalID == nil ? occurrences.next($0.fingerprint) : 1 }
        return ImportItem(rows: rows, parsed: parsed, occurrence: occurrence ?? 1)
    }
}

/// The interactions of an import file, CSV or JSON Lines, read and checked one at a time.
struct InteractionRecords: ImportRecordSource {
    private var delimited: (reader: DelimitedTextReader, rows: InteractionImportRow)?
    private var lines: (reader: JSONLinesReader, documents: InteractionImportDocument)?
    private var occurrences = ImportOccurrences()
    let description: String
    /// The file's column titles of the document's members, for the store's messages.
    let titles: [String: String]

    init(_ options: ImportOptions, zone: TimeZone, phoneRegion: String) async throws {
        let documents = InteractionImportDocument(defaultPhoneRegion: phoneRegion)
        let reading = "; times in \(zone.identifier)"
        if options.jsonLines {
            _ = try await options.overrides(InteractionColumn.self)
            lines = (try ImportFiles.jsonLines(options.file), documents)
            description = "JSON Lines, one interaction per line" + reading
            titles = [:]
            return
        }
        let reader = try ImportFiles.delimited(options.file)
        let overrides = try await options.overrides(InteractionColumn.self)
        let mapping = try await CommandErrors.explain {
            try ImportMapping<InteractionColumn>(header: reader.header, overrides: overrides)
        }
        let rows = InteractionImportRow(header: reader.header, mapping: mapping, reader: documents, zone: zone)
        delimited = (reader, rows)
        description = ImportPipeline.describe(reader, mapping) + reading
            + (mapping.columns.contains(.direction) ? "" : "; direction: outbound (the file has no direction column)")
        titles = rows.titles
    }

    mutating func next() -> ImportItem<InteractionImport>? {
        let rows: [(line: Int, raw: String)]
        let parsed: Result<InteractionImport, RapportCore.ValidationError>
        if let (reader, reading) = delimited {
            var reader = reader
            defer { delimited = (reader, reading) }
            switch reader.next() {
            case nil: return nil
            case .success(let record)?:
                rows = [(record.line, record.raw)]
                parsed = Result { () throws(RapportCore.ValidationError) in try reading.parse(record.fields) }
            case .failure(let error)?:
                let (line, raw, problem) = ImportPipeline.unreadable(error)
                (rows, parsed) = ([(line, raw)], .failure(problem))
            }
        } else if let (reader, documents) = lines {
            var reader = reader
            defer { lines = (reader, documents) }
            switch reader.next() {
            case nil: return nil
            case .success(let line)?:
                rows = [(line.line, line.raw)]
                parsed = Result { () throws(RapportCore.ValidationError) in try documents.parse(line.value) }
            case .failure(let error)?:
                let (line, raw, problem) = ImportPipeline.unreadable(error)
                (rows, parsed) = ([(line, raw)], .failure(problem))
            }
        } else {
            return nil
        }
        // Only an interaction without an ID of its own is known by its content and occurrence.
        let occurrence = (try? parsed.get()).map { interaction in
            interaction.id == nil && interaction.externalID == nil ? occurrences.next(interaction.fingerprint) : 1
        }
        return ImportItem(rows: rows, parsed: parsed, occurrence: occurrence ?? 1)
    }
}
