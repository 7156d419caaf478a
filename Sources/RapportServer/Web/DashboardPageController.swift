import Foundation
import Leaf
import RapportCore
import RapportStore
import Vapor

/// The dashboard: customers per stage now and over twelve months, new and churned customers this month, net revenue
/// per month, RFM groups, the churn warnings with the most value at risk, and interaction quality when interactions
/// have been rated. Every figure counts only the customers the user may see. A widget without data is left out
/// rather than drawn empty.
struct DashboardPageController: RouteCollection {
    static let months = 12
    static let warningCount = 10

    func boot(routes: any RoutesBuilder) throws {
        routes.get("dashboard", use: show)
    }

    /// Everything the dashboard shows, before it is put into words: what is cached for a big database.
    struct Figures: Sendable {
        let trend: [[LifecycleStage: Int]]
        let newThisMonth: Int
        let churnedThisMonth: Int
        let revenue: [Int64]
        let rfm: [String: Int]
        let warnings: [ChurnWarningRow]
        let quality: [(average: Double?, rated: Int)]
    }

    static func figures(
        _ store: RapportDatabase, reports: ReportConnection, visibility: CustomerVisibility, starts: [Date], now: Date
    ) async throws -> Figures {
        let figures = DashboardRepository(try await reports.sql())
        // A month's stage counts are taken at its end; the current month's are taken now.
        let ends = Array(starts.dropFirst()) + [now]
        // Money and ratings are summed over whole months, the current one up to its end.
        let monthEnd = monthStarts(endingAt: now, count: 1, ahead: 1)[0]
        let monthStart = starts.last ?? now
        return Figures(
            trend: try await figures.stageCounts(at: ends, visibleTo: visibility),
            newThisMonth: try await figures.newCustomers(since: monthStart, visibleTo: visibility),
            churnedThisMonth: try await figures.churned(since: monthStart, visibleTo: visibility),
            revenue: try await figures.netRevenue(periods: starts, end: monthEnd, visibleTo: visibility),
            rfm: try await figures.rfmGroups(visibleTo: visibility),
            warnings: try await CustomerValueRepository(store).churnWarnings(
                minRisk: 0.5, limit: warningCount, after: nil, visibleTo: visibility),
            quality: try await figures.interactionQuality(periods: starts, end: monthEnd, visibleTo: visibility))
    }

    /// The figures for `visibility` through the cache of slow figures (kept per month: a new month starts afresh).
    static func cachedFigures(
        _ cache: WebFigureCache, store: RapportDatabase, reports: ReportConnection, visibility: CustomerVisibility,
        now: Date
    ) async throws -> Figures {
        let starts = monthStarts(endingAt: now, count: months)
        let version = try await EventLog(store).latestSeq()
        return try await cache.value("dashboard|\(visibility)|\(starts.last?.timeIntervalSince1970 ?? 0)",
                                     version: version) {
            try await figures(store, reports: reports, visibility: visibility, starts: starts, now: now)
        }
    }

    @Sendable func show(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let visibility = AccessPolicy.visibility(for: principal)
        let language = request.webLanguage
        let now = request.rapport.clock.now()
        let starts = Self.monthStarts(endingAt: now, count: Self.months)
        let labels = starts.map { WebFormat.month($0, in: language) }
        let figures = try await Self.cachedFigures(request.application.webFigures, store: try request.store,
                                                   reports: request.rapport.reports, visibility: visibility, now: now)
        let current = figures.trend.last ?? [:]
        let currency = request.rapport.settings.baseCurrency

        var page = WebPage("dashboard", section: "dashboard")
        page["total"] = .string(current.values.reduce(0, +).formatted())
        page["stages"] = WebCharts.shares(LifecycleStage.allCases.map {
            (key: $0.rawValue, label: request.text("stage.\($0.rawValue)"), count: current[$0] ?? 0)
        })
        page["trend"] = WebCharts.lines(labels: labels, series: LifecycleStage.allCases.map { stage in
            (key: stage.rawValue, name: request.text("stage.\(stage.rawValue)"),
             values: figures.trend.map { Double($0[stage] ?? 0) })
        })
        page["newThisMonth"] = .string(figures.newThisMonth.formatted())
        page["churnedThisMonth"] = .string(figures.churnedThisMonth.formatted())
        let revenue = figures.revenue
        if revenue.contains(where: { $0 != 0 }) {
            page["revenue"] = WebCharts.bars(zip(labels, revenue).map { label, minor in
                (label: label, value: Double(minor), text: MoneyText.exact(minor: minor, currency: currency))
            })
            page["revenueTotal"] = .string(MoneyText.exact(minor: revenue.reduce(0, +), currency: currency))
        }
        if !figures.rfm.isEmpty {
            page["rfm"] = WebCharts.shares(RFMGroup.allCases.compactMap { group in
                guard let count = figures.rfm[group.rawValue] else { return nil }
                return (key: "rfm", label: language == .chinese ? group.chineseName : group.rawValue, count: count)
            })
        }
        page["warnings"] = .array(figures.warnings.map { warning in
            .dictionary([
                "id": .string(UUIDText.format(warning.customerID)),
                "number": .string(CustomerNumber(warning.number).description),
                "name": .string(warning.name),
                "stage": .string(warning.stage), "stageKey": .string("stage.\(warning.stage)"),
                "risk": .string(warning.value.churnRisk.formatted(.percent.precision(.fractionLength(0)))),
                "atRisk": .string(MoneyText.exact(minor: warning.value.valueAtRiskMinor, currency: currency)),
                "explanation": .string(request.explanation(warning.value.churnExplanation)),
            ])
        })
        let quality = figures.quality
        if quality.contains(where: { $0.rated > 0 }) {
            page["quality"] = WebCharts.bars(zip(labels, quality).map { label, month in
                (label: label, value: month.average ?? 0,
                 text: month.average.map { $0.formatted(.number.precision(.fractionLength(1))) } ?? "–")
            })
            page["rated"] = .string(quality.map(\.rated).reduce(0, +).formatted())
        }
        return try await page.response(for: request)
    }

    /// The first instants (UTC) of the `count` months up to and including the one holding `instant`, oldest first;
    /// `ahead` months later when given (`ahead: 1, count: 1` is the start of the next month).
    static func monthStarts(endingAt instant: Date, count: Int, ahead: Int = 0) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: instant)
        let first = calendar.date(from: parts)!
        return (0..<count).reversed().map { calendar.date(byAdding: .month, value: ahead - $0, to: first)! }
    }
}
