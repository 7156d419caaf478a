import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore

/// `rapport crowds list|count|create|refresh`: crowds (人群) from the terminal, with the same rule language as the
/// API.
struct CrowdsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crowds",
        abstract: "List crowds, count a rule's customers, create a crowd, or decide every crowd's members again.",
        subcommands: [CrowdsListCommand.self, CrowdsCountCommand.self, CrowdsCreateCommand.self,
                      CrowdsRefreshCommand.self])

    /// `text` as a rule, or the parser's message naming the column.
    static func rule(_ text: String) throws -> CrowdRule {
        do {
            return try CrowdRequests.parseText(text, field: "rule")
        } catch {
            throw ArgumentParser.ValidationError(error.errors.map { "\($0.field): \($0.message)" }
                .joined(separator: "\n"))
        }
    }
}

/// `rapport crowds list`.
struct CrowdsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every crowd with its members now (built-in ones first).")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        try await RapportRuntime.withApplication(try CommandSettings.resolve(options.flags)) { app in
            let repository = CrowdRepository(app.rapportDatabase)
            let crowds = try await repository.list()
            let counts = try await repository.counts(of: crowds, visibleTo: .all)
            var lines = ["| id or key | name | members | rule |", "| --- | --- | ---: | --- |"]
            for crowd in crowds {
                lines.append("| \(crowd.key ?? UUIDText.format(crowd.id)) | \(crowd.name) | \(counts[crowd.id] ?? 0) | "
                    + "\(crowd.rule.text) |")
            }
            Terminal.emit(lines.joined(separator: "\n"))
        }
    }
}

/// `rapport crowds count RULE`.
struct CrowdsCountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count", abstract: "How many current customers a rule selects, and how long the query took.")

    @OptionGroup var options: SettingsOptions

    @Argument(help: #"A rule, e.g. 'stage in [active, silent] and last_purchase_at < -90d and tag = "vip"'."#)
    var rule: String

    func run() async throws {
        let rule = try CrowdsCommand.rule(rule)
        try await RapportRuntime.withApplication(try CommandSettings.resolve(options.flags)) { app in
            let started = Date()
            let count = try await CrowdRepository(app.rapportDatabase).count(matching: rule, visibleTo: .all)
            Terminal.emit("\(count) customers (\(String(format: "%.3f", Date().timeIntervalSince(started))) s)")
        }
    }
}

/// `rapport crowds create --name NAME --rule RULE`.
struct CrowdsCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a crowd and decide its members (each entry is an event).")

    @OptionGroup var options: SettingsOptions

    @Option(help: "The crowd's name.")
    var name: String

    @Option(help: "Its rule.")
    var rule: String

    @Option(help: "What it is for.")
    var description: String = ""

    func run() async throws {
        let rule = try CrowdsCommand.rule(rule)
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ArgumentParser.ValidationError("--name: cannot be empty")
        }
        try await RapportRuntime.withApplication(try CommandSettings.resolve(options.flags)) { app in
            let repository = CrowdRepository(app.rapportDatabase)
            let crowd = try await repository.create(name: name, description: description, rule: rule)
            let members = try await repository.count(of: crowd, visibleTo: .all)
            Terminal.emit("created crowd \(UUIDText.format(crowd.id)) with \(members) members")
        }
    }
}

/// `rapport crowds refresh`.
struct CrowdsRefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Decide every crowd's members again, recording entries and exits (the recompute does this too).")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        try await RapportRuntime.withApplication(try CommandSettings.resolve(options.flags)) { app in
            let report = try await CrowdRepository(app.rapportDatabase).refreshAll()
            Terminal.emit("""
                | figure | value |
                | --- | ---: |
                | crowds refreshed | \(report.crowds) |
                | entries | \(report.entered) |
                | exits | \(report.left) |
                | seconds | \(String(format: "%.1f", report.seconds)) |
                """)
        }
    }
}
