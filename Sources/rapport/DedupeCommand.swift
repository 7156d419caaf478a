import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore

/// `rapport dedupe scan|merge|undo`: the duplicate review queue from the terminal.
struct DedupeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedupe", abstract: "Find possible duplicate customers, merge a pair, or undo a merge.",
        subcommands: [DedupeScanCommand.self, DedupeMergeCommand.self, DedupeUndoCommand.self])

    /// A UUID argument, or a message naming it.
    static func id(_ text: String, _ name: String) throws -> UUID {
        guard let id = UUIDText.parse(text) else { throw ValidationError("\(name): expected a UUID, got '\(text)'") }
        return id
    }
}

/// `rapport dedupe scan [--min-score S] [--format table|jsonl]`.
struct DedupeScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Compare every current customer with those sharing a phone, e-mail, name or address key; queue "
            + "the pairs that score at least --min-score for review.",
        discussion: """
            Pairs found before keep their place in the queue (with the new score); dismissed and merged pairs stay \
            decided; open pairs no longer found leave the queue. With --dedupe-auto-merge S (env \
            RAPPORT_DEDUPE_AUTO_MERGE; off by default) pairs scoring at least S are merged at once, best first. \
            jsonl writes one pair per line: {"candidate_id", "score", "reasons", "first": {"number", \
            "external_ids"}, "second": {…}, "merged"}.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, jsonl
    }

    @OptionGroup var options: SettingsOptions

    @Option(help: "The lowest score to queue, 0.5 to 1.")
    var minScore = DuplicateScorer.defaultThreshold

    @Option(help: "table (a summary and the best pairs) or jsonl (every pair, one per line).")
    var format = Format.table

    @Option(help: "Merge pairs scoring at least this at once, or off (overrides RAPPORT_DEDUPE_AUTO_MERGE).")
    var dedupeAutoMerge: String?

    func validate() throws {
        guard (0.5...1).contains(minScore) else { throw ValidationError("--min-score: expected a number from 0.5 to 1") }
    }

    func run() async throws {
        var flags = options.flags
        flags[.dedupeAutoMerge] = dedupeAutoMerge
        let settings = try CommandSettings.resolve(flags)
        try await RapportRuntime.withApplication(settings) { app in
            let started = Date()
            let report = try await DuplicateRepository(app.rapportDatabase).scan(
                minScore: minScore, autoMergeAt: settings.dedupeAutoMerge, actor: .system)
            let seconds = Date().timeIntervalSince(started)
            switch format {
            case .jsonl:
                for pair in report.pairs {
                    func side(_ customer: (number: CustomerNumber, externalIDs: [String: String])) -> JSONValue {
                        ["number": .string(customer.number.description),
                         "external_ids": .object(customer.externalIDs.mapValues(JSONValue.string))]
                    }
                    let line: JSONValue = [
                        "candidate_id": .string(UUIDText.format(pair.candidateID)),
                        "score": .number((pair.score.value * 1000).rounded() / 1000),
                        "reasons": .array(pair.score.reasons.map(JSONValue.string)),
                        "first": side(pair.first), "second": side(pair.second), "merged": .bool(pair.merged),
                    ]
                    Terminal.emit(line.encodedText())
                }
            case .table:
                var lines = ["| figure | value |", "| --- | ---: |",
                             "| customers scanned | \(report.customers) |",
                             "| pairs compared | \(report.compared) |",
                             "| pairs scoring ≥ \(minScore) | \(report.pairs.count) |",
                             "| new in the queue | \(report.added) |",
                             "| left the queue | \(report.removed) |",
                             "| merged at once | \(report.pairs.filter(\.merged).count) |",
                             String(format: "| seconds | %.1f |", seconds)]
                if !report.pairs.isEmpty {
                    lines += ["", "| score | first | second | reasons |", "| ---: | --- | --- | --- |"]
                    for pair in report.pairs.prefix(20) {
                        lines.append(String(format: "| %.3f ", pair.score.value)
                            + "| \(pair.first.number) | \(pair.second.number) | "
                            + pair.score.reasons.prefix(3).joined(separator: "; ") + " |")
                    }
                    if report.pairs.count > 20 { lines.append("| … | \(report.pairs.count - 20) more | | |") }
                }
                Terminal.emit(lines.joined(separator: "\n"))
            }
        }
    }
}

/// `rapport dedupe merge CANDIDATE`.
struct DedupeMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge an open pair of the queue (by its candidate ID).")

    @OptionGroup var options: SettingsOptions

    @Argument(help: "The pair's candidate ID, as `dedupe scan --format jsonl` prints it.")
    var candidate: String

    func run() async throws {
        let id = try DedupeCommand.id(candidate, "candidate")
        try await RapportRuntime.withApplication(try CommandSettings.resolve(options.flags)) { app in
            let record = try await CommandErrors.explain(notFound: "no pair of the queue has this ID") {
                try await CustomerMerger(app.rapportDatabase).merge(candidate: id, actor: .system, source: .system)
            }
            Terminal.emit("merge \(UUIDText.format(record.id)): customer \(UUIDText.format(record.mergedID)) merged into "
                + "\(UUIDText.format(record.survivorID)); undo with `rapport dedupe undo \(UUIDText.format(record.id))`")
        }
    }
}

/// `rapport dedupe undo MERGE`.
struct DedupeUndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo", abstract: "Undo a merge: both customers exactly as they were before it.")

    @OptionGroup var options: SettingsOptions

    @Argument(help: "The merge's ID.")
    var merge: String

    func run() async throws {
        let id = try DedupeCommand.id(merge, "merge")
        try await RapportRuntime.withApplication(try CommandSettings.resolve(options.flags)) { app in
            _ = try await CommandErrors.explain(notFound: "no merge has this ID") {
                try await CustomerMerger(app.rapportDatabase).undo(id, actor: .system)
            }
            Terminal.emit("merge \(UUIDText.format(id)) undone")
        }
    }
}
