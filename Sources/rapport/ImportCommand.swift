import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore

/// `rapport import customers|transactions|interactions FILE`: data from a spreadsheet export or JSON Lines.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import customers, transactions or interactions from CSV, TSV or JSON Lines.",
        subcommands: [ImportCustomersCommand.self, ImportTransactionsCommand.self, ImportInteractionsCommand.self])
}

/// The options every import takes.
struct ImportOptions: ParsableArguments {
    @Argument(help: "The CSV, TSV or JSON Lines file.")
    var file: String

    @Option(help: "The source system the file comes from: the key of its customers' external IDs.")
    var source: String = "import"

    @Option(help: #"Column mapping overrides: "手机号=phone,客户编号=external_id,备注=ignore"."#)
    var map: String?

    @Option(help: "A file of column mapping overrides: one COLUMN=TARGET per line; --map wins over it.")
    var mapFile: String?

    @Flag(help: "Write nothing; print what each row would do.")
    var dryRun = false

    @Option(help: "Where to write rejected rows (line, reason, row). Default: FILE.rejected.csv.")
    var report: String?

    @Flag(help: "Exit with status 0 even when rows were rejected.")
    var allowRejects = false

    enum Format: String, ExpressibleByArgument {
        case csv, jsonl
    }

    @Option(help: "csv (also TSV and other delimiters) or jsonl (default: jsonl for .jsonl and .ndjson files).")
    var format: Format?

    @Option(help: "Rows per committed batch.")
    var batch = 1000

    func validate() throws {
        guard (1...100_000).contains(batch) else { throw ArgumentParser.ValidationError("--batch: expected 1 to 100000") }
        guard !source.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ArgumentParser.ValidationError("--source: cannot be empty")
        }
    }

    /// Whether the file is read as JSON Lines.
    var jsonLines: Bool {
        format.map { $0 == .jsonl } ?? [".jsonl", ".ndjson"].contains { file.lowercased().hasSuffix($0) }
    }

    /// The mapping overrides of `--map-file` and then `--map`, for a kind of column.
    func overrides<Column: ImportColumn>(_ type: Column.Type) async throws -> [String: Column] {
        guard map != nil || mapFile != nil else { return [:] }
        guard !jsonLines else { throw ArgumentParser.ValidationError("--map: JSON Lines name their fields") }
        var overrides: [String: Column] = [:]
        if let mapFile {
            guard let text = try? String(contentsOfFile: mapFile, encoding: .utf8) else {
                throw ArgumentParser.ValidationError("--map-file: cannot read \(mapFile) as UTF-8 text")
            }
            overrides = try await CommandErrors.explain { try ImportMapping<Column>.overrides(text) }
        }
        if let map {
            overrides.merge(try await CommandErrors.explain { try ImportMapping<Column>.overrides(map) }) { $1 }
        }
        return overrides
    }
}

/// The options of the imports whose rows have times.
struct ImportTimeOptions: ParsableArguments {
    @Option(help: "The time zone of times without an offset (an IANA name such as Asia/Shanghai, or UTC).")
    var timezone = "Asia/Shanghai"

    func validate() throws {
        guard TimeZone(identifier: timezone) != nil else {
            throw ArgumentParser.ValidationError("--timezone: '\(timezone)' is not a time zone such as Asia/Shanghai")
        }
    }

    /// The zone; `validate` made sure it exists.
    var zone: TimeZone { TimeZone(identifier: timezone) ?? TimeZone(secondsFromGMT: 8 * 3600)! }
}

/// `rapport import customers FILE [--source S] [--map M] [--dry-run] [--report R] [--allow-rejects]`.
struct ImportCustomersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customers",
        abstract: "Import customers: match by external ID, then e-mail or phone; update matches, create the rest.",
        discussion: """
            Reads CSV or TSV (comma, tab, semicolon or | detected from the header) in UTF-8, with or without a byte \
            order mark, or GB18030/GBK as Chinese spreadsheets export it. Columns are recognised by common English \
            and Chinese headers (姓名, 手机, 邮箱, 地址, 城市, 省份, 生日, 标签, 客户编号, …); other columns are kept \
            as attributes. A row matches an existing customer by its external ID in --source, then by a normalised \
            e-mail address or phone number, and updates only what it gives; other rows create customers. Rows whose \
            keys point at two customers are flagged as possible duplicates and left alone. Rejected rows are written, \
            with line numbers and reasons, to the report file. Batches are committed with the import's progress, so \
            an interrupted import run again resumes where it stopped, and a file imported to the end is not imported \
            again.
            """)

    @OptionGroup var options: SettingsOptions
    @OptionGroup var importing: ImportOptions

    func run() async throws {
        let settings = try CommandSettings.resolve(options.flags)
        let overrides = try await importing.overrides(CustomerColumn.self)
        let records = try await CommandErrors.explain { [importing] in
            try CustomerImportFile(path: importing.file, jsonLines: importing.jsonLines, overrides: overrides,
                                   source: importing.source, phoneRegion: settings.phoneRegion)
        }
        let source = importing.source
        try await ImportLoop(kind: .customers, options: importing, actions: ImportOutcome.Action.allCases)
            .run(records, settings: settings) { store, engine in
                let importer = CustomerImporter(store, engine: engine)
                return { records, run, dryRun in
                    try await importer.importBatch(records, run: run, source: source, dryRun: dryRun)
                }
            }
    }
}

/// `rapport import transactions FILE [--source S] [--timezone Z] [--map M] [--dry-run] …`.
struct ImportTransactionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transactions",
        abstract: "Import purchases and refunds of existing customers.",
        discussion: """
            Reads CSV, TSV or JSON Lines as the customer import does. Columns are recognised by common English and \
            Chinese headers: the customer (客户编号: its external ID in --source or its number C-000123; else 手机, \
            邮箱), the order number (订单号), 类型 (购买/退款), the date and time (日期, 下单时间; in --timezone \
            unless they carry an offset), the amount (金额, 实付金额: ¥1,234.50, RMB 1,234.50, 1234.5), 币种, 渠道, \
            原订单号 for refunds, and one product per row (商品编码, 商品名称, 品类, 数量, 单价); other columns are \
            ignored. Consecutive rows with the same order number are the lines of one order. An order already \
            recorded for the customer's source is unchanged; a row without an order number gets one from its content. \
            Rejected rows are written, with line numbers and reasons, to the report file; an interrupted import run \
            again resumes where it stopped.
            """)

    @OptionGroup var options: SettingsOptions
    @OptionGroup var importing: ImportOptions
    @OptionGroup var time: ImportTimeOptions

    func run() async throws {
        let settings = try CommandSettings.resolve(options.flags)
        let records = try await TransactionRecords(importing, zone: time.zone, baseCurrency: settings.baseCurrency,
                                                   phoneRegion: settings.phoneRegion)
        let (source, titles) = (importing.source, records.titles)
        let dryRun = importing.dryRun ? ImportDryRun() : nil
        try await ImportLoop(kind: .transactions, options: importing, actions: [.created, .unchanged, .rejected])
            .run(records, settings: settings) { store, engine in
                let importer = TransactionImporter(store, engine: engine)
                return { items, run, _ in
                    try await importer.importBatch(items, run: run, source: source, titles: titles, dryRun: dryRun)
                }
            }
    }
}

/// `rapport import interactions FILE [--source S] [--timezone Z] [--map M] [--dry-run] …`.
struct ImportInteractionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interactions",
        abstract: "Import calls, messages and visits with existing customers.",
        discussion: """
            Reads CSV, TSV or JSON Lines as the customer import does. Columns are recognised by common English and \
            Chinese headers: the customer (客户编号: its external ID in --source or its number C-000123; else 手机, \
            邮箱), 渠道 (电话, 微信, 邮件, 面谈/拜访, 短信, 在线, …), 方向 (呼入/呼出; outbound without the column), \
            the time (时间, 日期; in --timezone unless it carries an offset), 主题, 备注/内容, 结果, 时长 (seconds, \
            05:30, 5分30秒), 评分 (1-5) and 记录编号 (the interaction's ID in --source); other columns are ignored. \
            Each interaction gets an ID from its 记录编号, else from its content, so importing a file again writes \
            nothing. Rejected rows are written, with line numbers and reasons, to the report file; an interrupted \
            import run again resumes where it stopped.
            """)

    @OptionGroup var options: SettingsOptions
    @OptionGroup var importing: ImportOptions
    @OptionGroup var time: ImportTimeOptions

    func run() async throws {
        let settings = try CommandSettings.resolve(options.flags)
        let records = try await InteractionRecords(importing, zone: time.zone, phoneRegion: settings.phoneRegion)
        let (source, titles) = (importing.source, records.titles)
        let dryRun = importing.dryRun ? ImportDryRun() : nil
        try await ImportLoop(kind: .interactions, options: importing, actions: [.created, .unchanged, .rejected])
            .run(records, settings: settings) { store, engine in
                let importer = InteractionImporter(store, engine: engine)
                return { items, run, _ in
                    try await importer.importBatch(items, run: run, source: source, titles: titles, dryRun: dryRun)
                }
            }
    }
}
