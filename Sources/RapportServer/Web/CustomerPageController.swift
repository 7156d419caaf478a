import Foundation
import Leaf
import RapportAnalytics
import RapportCore
import RapportStore
import Vapor

/// The customer 360 page (`/customers/{id}`): profile and contact points, the stage and why, the value the analytics
/// engine found, the timeline of every change (by family, and as of a past day), purchases, interactions with a
/// quick form to log one, and the edit form. The same visibility as the API: another agent's customer is "no such
/// page". The address carries only the customer's ID, a family and a date: no personal data.
struct CustomerPageController: RouteCollection {
    static let timelineSize = 25
    static let listSize = 10

    func boot(routes: any RoutesBuilder) throws {
        routes.get("customers", ":id", use: show)
        routes.post("customers", ":id", use: edit)
        routes.post("customers", ":id", "interactions", use: logInteraction)
    }

    struct View: Content {
        var family: String?
        var as_of: String?
        var cursor: String?
    }

    @Sendable func show(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let id = try Self.id(request)
        let view = try request.query.decode(View.self)
        let stored = try await CustomerRepository(request.store).find(
            id, visibleTo: AccessPolicy.visibility(for: principal))
        var page = try await Self.page(for: stored, view: view, request: request, principal: principal)
        page["form"] = Self.formValues(try stored.decoded().fields)
        page["version"] = .string(String(stored.version))
        return try await page.response(for: request)
    }

    /// Saves the edit form. Invalid fields answer 422 with the form as it was posted and each error under its
    /// input; a version that moved on (someone else saved first) answers 409 and changes nothing.
    @Sendable func edit(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try request.requireCSRFToken()
        let id = try Self.id(request)
        try await request.requirePermission(AccessPolicy.canWriteCustomers(principal), operation: "customer.update",
                                            principal: principal)
        let form = try request.content.decode(CustomerEditForm.self)
        let visibility = AccessPolicy.visibility(for: principal)
        let repository = CustomerRepository(try request.store)
        let parser = request.rapport.parser
        var problem: (status: HTTPStatus, errors: [FieldError], message: String?)?
        do {
            _ = try await repository.update(
                id, visibleTo: visibility, expectedVersion: form.version.flatMap(Int.init), actor: principal.actor,
                source: .ui
            ) { current in
                let fields = try parser.parsePatch(form.patch(onto: current), onto: current)
                try CustomersController.requireVisible(fields, to: principal)
                return fields
            }
            return request.redirect(to: "/customers/\(UUIDText.format(id))#timeline", redirectType: .normal)
        } catch let invalid as ValidationError {
            problem = (.unprocessableEntity, invalid.errors, nil)
        } catch StoreError.invalid(let invalid) {
            problem = (.unprocessableEntity, invalid.errors, nil)
        } catch StoreError.versionMismatch {
            problem = (.conflict, [], request.text("customer.edit.conflict"))
        }
        let stored = try await repository.find(id, visibleTo: visibility)
        var page = try await Self.page(for: stored, view: View(), request: request, principal: principal)
        page["form"] = form.values
        page["version"] = .string(form.version ?? String(stored.version))
        page["formErrors"] = .dictionary(CustomerEditForm.errorsByInput(problem?.errors ?? [], request: request))
        page["formMessage"] = .string(problem?.message ?? request.text("customer.edit.invalid"))
        page["editOpen"] = .bool(true)
        return try await page.response(for: request, status: problem?.status ?? .unprocessableEntity)
    }

    /// The quick "log a call / visit / message" form: the interaction is recorded now, handled by the user.
    @Sendable func logInteraction(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        try request.requireCSRFToken()
        let id = try Self.id(request)
        try await request.requirePermission(AccessPolicy.canWriteCustomers(principal), operation: "interaction.create",
                                            principal: principal)
        let form = try request.content.decode(InteractionForm.self)
        let document = form.document(customerID: id, at: request.rapport.clock.now(), userID: principal.userID)
        let visibility = AccessPolicy.visibility(for: principal)
        // Out of reach is "no such page" here, where the API would name the body's customer_id.
        _ = try await CustomerRepository(request.store).find(id, visibleTo: visibility)
        do {
            let input = try request.rapport.interactionParser.parse(document)
            _ = try await InteractionRepository(request.store, engine: request.rapport.lifecycle).record(
                input, visibleTo: visibility, actor: principal.actor, source: .ui)
            return request.redirect(to: "/customers/\(UUIDText.format(id))#interactions", redirectType: .normal)
        } catch let invalid as ValidationError {
            let stored = try await CustomerRepository(request.store).find(id, visibleTo: visibility)
            var page = try await Self.page(for: stored, view: View(), request: request, principal: principal)
            page["form"] = Self.formValues(try stored.decoded().fields)
            page["version"] = .string(String(stored.version))
            page["logged"] = form.values
            page["logErrors"] = .dictionary(Dictionary(invalid.errors.map {
                ($0.field, LeafData.string(CustomerEditForm.message($0, request: request)))
            }, uniquingKeysWith: { first, _ in first }))
            return try await page.response(for: request, status: .unprocessableEntity)
        }
    }

    static func id(_ request: Request) throws -> UUID {
        guard let text = request.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw Abort(.notFound)
        }
        return id
    }

    // MARK: - The page

    private static func page(
        for stored: StoredCustomer, view: View, request: Request, principal: Principal
    ) async throws -> WebPage {
        let store = try request.store
        let language = request.webLanguage
        let currency = request.rapport.settings.baseCurrency
        let visibility = AccessPolicy.visibility(for: principal)
        var page = WebPage("customer", section: "customers")
        page["id"] = .string(UUIDText.format(stored.id))
        page["number"] = .string(stored.number.description)
        page["mayEdit"] = .bool(AccessPolicy.canWriteCustomers(principal) && stored.archivedAt == nil)
        page["archived"] = .bool(stored.archivedAt != nil)

        var family: EventFamily?
        if let text = view.family, !text.isEmpty {
            guard let value = EventFamily(rawValue: text) else { throw Abort(.badRequest) }
            family = value
        }
        page["family"] = .string(family?.rawValue ?? "")
        page["families"] = .array(EventFamily.allCases.map { family in
            .dictionary(["key": .string(family.rawValue), "label": .string(request.text("family.\(family.rawValue)"))])
        })

        // The customer as it was at the end of the chosen day, or as it is.
        var customer = try stored.decoded()
        var stats = stored.stats
        var asOf: Date?
        if let text = view.as_of, !text.isEmpty {
            guard let date = CalendarDate(parsing: text) else {
                throw Abort(.badRequest, reason: request.text("customer.as_of.invalid"))
            }
            let day = BusinessDay.start(of: date.dayNumber)
            let end = day.addingTimeInterval(86_400 - 0.001)
            let history = try await EventLog(store).history(of: stored.id, upTo: end)
            guard let past = CustomerHistory.replay(history, number: stored.number, asOf: end) else {
                page["notYet"] = .bool(true)
                page["asOf"] = .string(text)
                page["asOfText"] = .string(WebFormat.day(day, in: language))
                page["timeline"] = .array([])
                page["profile"] = profile(customer, stored: stored, request: request)
                page["name"] = .string(customer.fields.name)
                return page
            }
            customer = past
            stats = try await LifecycleRepository(store, engine: request.rapport.lifecycle).stats(
                of: stored.id, createdAt: past.createdAt, asOf: end)
            asOf = end
            page["asOf"] = .string(text)
            page["asOfText"] = .string(WebFormat.day(day, in: language))
        }
        page["name"] = .string(customer.fields.name)
        page["profile"] = profile(customer, stored: stored, request: request)
        if let owner = customer.fields.ownerID, let user = try await UserRepository(store).find(id: owner) {
            page["owner"] = .string(user.displayName)
        }
        let stage = stats.stage
        page["stage"] = .dictionary([
            "key": .string(stage.stage.rawValue), "label": .string(request.text("stage.\(stage.stage.rawValue)")),
            "since": .string(WebFormat.day(stage.since, in: language)),
            "reason": .string(request.explanation(stage.reason)),
            "rule": .string(stage.rule), "overridden": .bool(stage.overridden),
        ])
        let purchases = stats.purchases
        page["purchases"] = .dictionary([
            "orders": .string(purchases.ordersCount.formatted()),
            "spent": .string(MoneyText.exact(minor: purchases.totalSpentMinor, currency: currency)),
            "first": .string(purchases.firstPurchaseAt.map { WebFormat.day($0, in: language) } ?? "–"),
            "last": .string(purchases.lastPurchaseAt.map { WebFormat.day($0, in: language) } ?? "–"),
        ])

        // Timeline: newest first, one family or all; as of a day, only what had happened by its end.
        let events: [ChangeEvent]
        if let asOf {
            events = Array(try await EventLog(store).history(of: stored.id, upTo: asOf)
                .filter { family == nil || $0.event.family == family }
                .sorted { ($0.event.occurredAt, $0.seq) > ($1.event.occurredAt, $1.seq) }
                .prefix(timelineSize))
        } else {
            var position: EventLog.TimelinePosition?
            if let cursor = view.cursor {
                guard let decoded = EventLog.TimelinePosition(cursor: cursor) else { throw Abort(.badRequest) }
                position = decoded
            }
            events = try await EventLog(store).timeline(of: stored.id, family: family, after: position,
                                                        limit: timelineSize)
            if events.count == timelineSize, let last = events.last {
                page["olderCursor"] = .string(EventLog.TimelinePosition(after: last).cursor)
            }
        }
        let crowds = try await CrowdRepository(store).list()
        let text = TimelineText(request: request, currency: currency,
                                crowds: Dictionary(uniqueKeysWithValues: crowds.map { ($0.id, $0) }))
        page["timeline"] = .array(events.map(text.row))

        guard asOf == nil else { return page }
        try await addValue(to: &page, customerID: stored.id, request: request, visibility: visibility)
        let transactions = try await TransactionRepository(store, engine: request.rapport.lifecycle).list(
            of: stored.id, visibleTo: visibility, after: nil, limit: listSize)
        page["transactions"] = .array(transactions.map { transaction in
            .dictionary([
                "when": .string(WebFormat.time(transaction.occurredAt, in: language)),
                "kind": .string(request.text("transaction.\(transaction.kind.rawValue)")),
                "refund": .bool(transaction.kind == .refund),
                "amount": .string(MoneyText.exact(minor: transaction.amountMinor, currency: currency)),
                "items": .string(transaction.lines.map { "\($0.name) × \($0.quantity)" }
                    .joined(separator: language == .chinese ? "、" : ", ")),
                "channel": .string(request.commonValue(transaction.channel)),
            ])
        })
        let interactions = try await InteractionRepository(store, engine: request.rapport.lifecycle).list(
            of: stored.id, visibleTo: visibility, after: nil, limit: listSize)
        page["interactions"] = .array(interactions.map { interaction in
            let input = interaction.input
            return .dictionary([
                "when": .string(WebFormat.time(input.occurredAt, in: language)),
                "channel": .string(request.text("channel.\(input.channel.rawValue)")),
                "direction": .string(request.text("direction.\(input.direction.rawValue)")),
                "subject": .string(input.subject), "notes": .string(input.notes ?? ""),
                "outcome": .string(input.outcome ?? ""),
                "quality": .string(input.quality.map { "\($0)/5" } ?? ""),
            ])
        })
        page["channels"] = .array(InteractionChannel.allCases.map { channel in
            .dictionary(["key": .string(channel.rawValue), "label": .string(request.text("channel.\(channel.rawValue)"))])
        })
        if page["logged"] == nil { page["logged"] = .dictionary(["channel": "phone", "direction": "outbound"]) }
        return page
    }

    private static func addValue(
        to page: inout WebPage, customerID: UUID, request: Request, visibility: CustomerVisibility
    ) async throws {
        let repository = CustomerValueRepository(try request.store)
        let currency = request.rapport.settings.baseCurrency
        let language = request.webLanguage
        if let row = try await repository.value(of: customerID, visibleTo: visibility) {
            let group = RFMGroup(rawValue: row.rfmGroup)
            func share(_ value: Double) -> String { value.formatted(.percent.precision(.fractionLength(0))) }
            func count(_ value: Double) -> String { value.formatted(.number.precision(.fractionLength(1))) }
            page["value"] = .dictionary([
                "rfm": .string("\(row.rfmR)\(row.rfmF)\(row.rfmM)"),
                "group": .string(language == .chinese ? (group?.chineseName ?? row.rfmGroup) : row.rfmGroup),
                "abc": .string(row.abc), "tier": .string(request.text("tier.\(row.tier)")),
                "clv": .string(MoneyText.exact(minor: row.clvMinor, currency: currency)),
                "pAlive": .string(share(row.pAlive)),
                "expected30": .string(count(row.expected30)), "expected90": .string(count(row.expected90)),
                "expected365": .string(count(row.expected365)),
                "risk": .string(share(row.churnRisk)),
                "atRisk": .string(MoneyText.exact(minor: row.valueAtRiskMinor, currency: currency)),
                "explanation": .string(request.explanation(row.churnExplanation)),
                "shifts": .string([row.frequencyShift, row.basketShift].compactMap { $0 }
                    .map { request.text("shift.\($0)") }.joined(separator: request.text("phrase.separator"))),
            ])
        }
        let bought = try await repository.boughtSKUs(of: customerID)
        let affinities = try await repository.affinities(from: bought)
        let names = try await repository.productNames(bought.union(affinities.map(\.otherSKU)))
        let recommended = ProductAffinities.recommend(bought: bought, affinities: affinities, names: names)
        page["recommendations"] = .array(recommended.prefix(5).map { item in
            .dictionary([
                "name": .string(item.name), "because": .string(names[item.becauseOfSKU] ?? item.becauseOfSKU),
                "confidence": .string(item.confidence.formatted(.percent.precision(.fractionLength(0)))),
                "lift": .string(item.lift.formatted(.number.precision(.fractionLength(1)))),
            ])
        })
    }

    private static func profile(_ customer: Customer, stored: StoredCustomer, request: Request) -> LeafData {
        let language = request.webLanguage
        let fields = customer.fields
        let consent = fields.consent
        let allowed = [("email", consent.email), ("sms", consent.sms), ("phone", consent.phone),
                       ("wechat", consent.wechat)]
        return .dictionary([
            "kindKey": .string("kind.\(fields.kind.rawValue)"),
            "phones": .array(fields.phones.map { .dictionary(["text": .string($0.number), "label": .string(request.commonValue($0.label)),
                                                              "primary": .bool($0.primary)]) }),
            "emails": .array(fields.emails.map { .dictionary(["text": .string($0.address), "label": .string(request.commonValue($0.label)),
                                                              "primary": .bool($0.primary)]) }),
            "social": .array(fields.social.map { .string("\($0.network): \($0.handle)") }),
            "addresses": .array(fields.addresses.map { address in
                .string([address.country, address.province, address.city, address.district, address.street,
                         address.postalCode].compactMap { $0 }.joined(separator: " "))
            }),
            "tags": .array(fields.tags.map(LeafData.string)),
            "team": .string(fields.team ?? ""), "source": .string(request.commonValue(fields.source)),
            "birthday": .string(fields.birthday?.description ?? ""),
            "consent": .array(allowed.compactMap { channel, value in
                value.map { .dictionary(["channelKey": .string("consent.\(channel)"), "allowed": .bool($0)]) }
            }),
            "attributes": .array(fields.attributes.keys.sorted().map { key in
                .dictionary(["key": .string(key), "value": .string(CustomerEditForm.plain(fields.attributes[key]))])
            }),
            "externalIDs": .array(fields.externalIDs.keys.sorted().map { key in
                .string("\(key): \(fields.externalIDs[key] ?? "")")
            }),
            "created": .string(WebFormat.day(customer.createdAt, in: language)),
            "updated": .string(WebFormat.time(customer.updatedAt, in: language)),
        ])
    }

    static func formValues(_ fields: CustomerFields) -> LeafData {
        CustomerEditForm(fields).values
    }
}
