import ArgumentParser
import Foundation
import RapportCore
import RapportServer
import RapportStore

/// `rapport seed --customers N`: bulk synthetic customers, for benchmarks and load tests.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Add N synthetic customers in bulk (for benchmarks; `demo` is the realistic demo business).")

    @OptionGroup var options: SettingsOptions

    @Option(help: "How many customers to add.")
    var customers: Int

    @Option(help: "Customers per transaction.")
    var batch = 500

    @Option(help: "Seed of the random generator, for repeatable data.")
    var randomSeed: UInt64 = 42

    @Flag(help: "Add nothing when the database already has customers (so `make demo` can run again).")
    var ifEmpty = false

    func validate() throws {
        guard customers > 0 else { throw ValidationError("--customers must be at least 1") }
        guard (1...2000).contains(batch) else { throw ValidationError("--batch must be from 1 to 2000") }
    }

    func run() async throws {
        let settings = try CommandSettings.resolve(options.flags)
        try await RapportRuntime.withApplication(settings) { app in
            if ifEmpty, try await CustomerRepository(app.rapportDatabase).hasAny() {
                Terminal.emit("The database already has customers; nothing added.")
                return
            }
            let writer = CustomerBulkWriter(app.rapportDatabase)
            var generator = SyntheticCustomers(seed: randomSeed)
            let progress = ProgressLine(total: customers, unit: "customers")
            var written = 0
            while written < customers {
                let count = min(batch, customers - written)
                let fields = (0..<count).map { _ in generator.next() }
                _ = try await writer.create(fields, actor: .system, source: .system)
                written += count
                progress.update(written)
            }
            progress.finish()
        }
    }
}

/// A progress line on standard error: count, rate and time left.
final class ProgressLine {
    private let total: Int
    private let unit: String
    private let start = Date()
    private var lastDraw = Date.distantPast

    init(total: Int, unit: String) {
        self.total = total
        self.unit = unit
    }

    func update(_ done: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.5 || done == total else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(done) / elapsed
        let left = rate > 0 ? Double(total - done) / rate : 0
        let line = String(format: "\r%d/%d %@  %.0f/s  ETA %.0fs   ", done, total, unit, rate, left)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        let elapsed = Date().timeIntervalSince(start)
        FileHandle.standardError.write(Data(String(format: "\ndone in %.1fs\n", elapsed).utf8))
    }
}

/// Plausible Chinese customers from a seeded generator, so benchmark data is the same on every run.
struct SyntheticCustomers {
    private var state: UInt64
    private var serial = 0
    private static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
    private static let given = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅飞鹏斌浩宇轩子涵欣怡")
    private static let cities: [(String, String)] = [
        ("北京市", "北京市"), ("上海市", "上海市"), ("广东省", "广州市"), ("广东省", "深圳市"), ("浙江省", "杭州市"),
        ("江苏省", "南京市"), ("四川省", "成都市"), ("湖北省", "武汉市"), ("陕西省", "西安市"), ("福建省", "厦门市"),
    ]
    private static let tags = ["vip", "wholesale", "newsletter", "企业客户", "老客户"]
    private static let sources = ["web", "store", "wechat", "referral", "fair"]

    init(seed: UInt64) {
        state = seed &* 6_364_136_223_846_793_005 &+ 1
    }

    private mutating func random(_ bound: Int) -> Int {
        // SplitMix64: fast, and good enough to vary test data.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    mutating func next() -> CustomerFields {
        serial += 1
        let name = String(Self.surnames[random(Self.surnames.count)])
            + String(Self.given[random(Self.given.count)])
            + (random(2) == 0 ? String(Self.given[random(Self.given.count)]) : "")
        let (province, city) = Self.cities[random(Self.cities.count)]
        let mobile = "+861" + String(3 + random(7)) + String(format: "%09d", random(1_000_000_000))
        return CustomerFields(
            name: name,
            emails: [EmailEntry(address: "customer\(serial).\(random(100_000))@example.com", primary: true)],
            phones: [PhoneEntry(number: mobile, label: "mobile", primary: true)],
            addresses: [PostalAddress(country: "CN", province: province, city: city)],
            tags: random(3) == 0 ? [Self.tags[random(Self.tags.count)]] : [],
            source: Self.sources[random(Self.sources.count)],
            consent: Consent(email: random(2) == 0, sms: random(2) == 0))
    }
}
