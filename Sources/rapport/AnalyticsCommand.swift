import ArgumentParser
import Foundation
import RapportAnalytics
import RapportCore

/// `rapport analytics fit|score`: the value model on a plain CSV, without a database — an analyst's tool, and the
/// way to compare Rapport with other tools.
struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Fit BG/NBD and Gamma-Gamma to a customer_id,date,amount CSV and score its customers.",
        subcommands: [AnalyticsFitCommand.self, AnalyticsScoreCommand.self])
}

/// The options `fit` and `score` share, and the fit they both start with.
struct AnalyticsInput: ParsableArguments {
    @Option(help: "CSV with a header naming customer_id, date (YYYY-MM-DD) and amount; other columns are ignored.")
    var transactions: String

    @Option(help: "Calibration end date (YYYY-MM-DD, inclusive); later rows are left out. Default: the last date.")
    var asOf: String?

    @Option(help: "The model's time unit: day or week.")
    var timeUnit: String = "day"

    func validate() throws {
        if let asOf, TransactionsCSV.day(Substring(asOf)) == nil {
            throw ValidationError("--as-of: expected a date such as 1997-09-30")
        }
        guard timeUnit == "day" || timeUnit == "week" else {
            throw ValidationError("--time-unit: expected day or week")
        }
    }

    /// The file read, its histories as of the end day, the engine and the model: `model` when given (its as-of day
    /// is the default end day), else one fitted now.
    func fit(using model: ValueModel? = nil) throws
        -> (csv: TransactionsCSV, histories: PurchaseHistories, engine: ValueEngine, model: ValueModel)
    {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: transactions))
        } catch {
            throw ValidationError("--transactions: cannot read \(transactions): \(error.localizedDescription)")
        }
        let csv: TransactionsCSV
        do {
            csv = try TransactionsCSV.read(data)
        } catch {
            throw ValidationError("\(transactions): \(error)")
        }
        let endDay = asOf.flatMap { TransactionsCSV.day(Substring($0)) }
            ?? model.map { BusinessDay.number(of: $0.asOf) } ?? csv.lastDay
        let histories = PurchaseHistories(csv.columns, through: endDay)
        let timeUnitDays = model?.timeUnitDays ?? (timeUnit == "week" ? 7 : 1)
        let engine = ValueEngine(settings: AnalyticsSettings(timeUnitDays: timeUnitDays))
        if let model { return (csv, histories, engine, model) }
        do {
            let model = try engine.fit(histories, asOf: BusinessDay.start(of: endDay), fittedAt: Date())
            return (csv, histories, engine, model)
        } catch {
            throw ValidationError("\(transactions): \(error)")
        }
    }
}

/// `rapport analytics fit`: prints the fitted parameters.
struct AnalyticsFitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit", abstract: "Fit the model and print its parameters.")

    @OptionGroup var input: AnalyticsInput

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func run() async throws {
        let started = Date()
        let (_, _, _, model) = try input.fit()
        let seconds = Date().timeIntervalSince(started)
        let asOf = RFC3339.format(model.asOf).prefix(10)
        let bgnbd = model.bgnbd
        if json {
            var document = model.json.objectValue ?? [:]
            document["seconds"] = .number((seconds * 1000).rounded() / 1000)
            Terminal.emit(JSONValue.object(document).encodedText())
            return
        }
        var lines = [
            "Fitted as of \(asOf), time unit \(model.timeUnitName), in \(String(format: "%.2f", seconds)) s: "
                + "\(model.customers) customers, \(model.repeatCustomers) bought again.",
            "BG/NBD       r \(Self.format(bgnbd.r))  alpha \(Self.format(bgnbd.alpha))  a \(Self.format(bgnbd.a))  "
                + "b \(Self.format(bgnbd.b))  log-likelihood \(String(format: "%.2f", model.bgnbdLogLikelihood))",
        ]
        if let spend = model.gammaGamma, let likelihood = model.gammaGammaLogLikelihood {
            lines.append("Gamma-Gamma  p \(Self.format(spend.p))  q \(Self.format(spend.q))  gamma "
                + "\(Self.format(spend.gamma))  log-likelihood \(String(format: "%.2f", likelihood))")
        } else {
            lines.append("Gamma-Gamma  not fitted (fewer than 10 repeat customers): the mean repeat spend is used")
        }
        Terminal.emit(lines.joined(separator: "\n"))
    }

    static func format(_ value: Double) -> String { String(format: "%.6g", value) }
}

/// `rapport analytics score`: one row per customer.
struct AnalyticsScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Fit the model and write each customer's scores to a CSV.",
        discussion: """
            Columns: customer_id, x (repeat purchase days), t_x and T (in the time unit), monetary_value (mean \
            amount of the repeat purchase days), p_alive, expected_purchases_30/_90/_365 (the next 30, 90 and 365 \
            days), expected_spend (per purchase day) and clv (12 months of 365.25/12 days, discounted 1% a month); \
            amounts in the CSV's own unit.
            """)

    @OptionGroup var input: AnalyticsInput

    @Option(help: "Where to write the scores.")
    var out: String

    @Option(help: """
        Score with this model (the output of `fit --json`) instead of fitting again; its time unit applies and its \
        as-of date is the default end.
        """)
    var model: String?

    func run() async throws {
        let started = Date()
        var given: ValueModel?
        if let model {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: model))
                given = try ValueModel(json: try JSONValue.parse(data))
            } catch let error as RapportCore.ValidationError {
                throw ValidationError("--model: " + error.errors.map { "\($0.field): \($0.message)" }
                    .joined(separator: "; "))
            } catch {
                throw ValidationError("--model: cannot read \(model) as a model from `fit --json`: \(error)")
            }
        }
        let (csv, histories, engine, model) = try input.fit(using: given)
        let scores = engine.modelScores(histories, model: model)
        guard FileManager.default.createFile(atPath: out, contents: nil),
            let handle = FileHandle(forWritingAtPath: out)
        else { throw ValidationError("--out: cannot write \(out)") }
        defer { try? handle.close() }
        handle.write(Data(ScoresCSV.header.utf8))
        for piece in ScoresCSV.pieces(customerIDs: csv.customerIDs, scores: scores, timeUnitDays: model.timeUnitDays) {
            handle.write(Data(piece))
        }
        let written = scores.count { $0 != nil }
        FileHandle.standardError.write(Data("""
            Scored \(written) customers as of \(RFC3339.format(model.asOf).prefix(10)) in \
            \(String(format: "%.2f", Date().timeIntervalSince(started))) s → \(out)

            """.utf8))
    }

}
