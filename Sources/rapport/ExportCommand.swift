import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore

/// `rapport export customers|transactions|interactions|events [--format csv|jsonl] [--filter RULE] [--output FILE]`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write customers, transactions, interactions or events as CSV or JSON Lines.",
        discussion: """
            Customers CSV has a column per field, attribute key and external ID source, and imports back with \
            `rapport import customers` to the same customers; JSON Lines hold one object per line as the API shows \
            it. --filter keeps the current customers a crowd rule selects, and their transactions, interactions and \
            events. Rows are read a page at a time, so memory stays flat however large the export.
            """)

    @OptionGroup var options: SettingsOptions

    @Argument(help: "customers, transactions, interactions or events.")
    var kind: String

    @Option(help: "csv or jsonl.")
    var format = "csv"

    @Option(help: #"A crowd rule, e.g. 'tier = high and city = "上海市"'."#)
    var filter: String?

    @Option(help: "The file to write (default: standard output).")
    var output: String?

    func validate() throws {
        guard Exporter.Kind(rawValue: kind) != nil else {
            throw ValidationError("kind: expected customers, transactions, interactions or events")
        }
        guard Exporter.Format(rawValue: format) != nil else { throw ValidationError("--format: expected csv or jsonl") }
    }

    func run() async throws {
        let rule = try filter.map(CrowdsCommand.rule)
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil),
                  let opened = FileHandle(forWritingAtPath: output)
            else { throw ValidationError("--output: cannot write \(output)") }
            handle = opened
        } else {
            handle = FileHandle.standardOutput
        }
        defer { if output != nil { try? handle.close() } }
        try await RapportRuntime.withApplication(try CommandSettings.resolve(options.flags)) { app in
            let rows = try await Exporter(app.rapportDatabase).export(
                Exporter.Kind(rawValue: kind)!, format: Exporter.Format(rawValue: format)!, filter: rule,
                visibleTo: .all
            ) { text in
                try handle.write(contentsOf: Data(text.utf8))
            }
            if let output { Terminal.emit("\(rows) \(kind) written to \(output)") }
        }
    }
}
