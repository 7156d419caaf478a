import Leaf
import RapportCore
import Vapor

/// Renders a page template with what the layout needs — language, signed-in user, CSRF token, current section —
/// and the page's own values.
struct WebPage {
    let template: String
    let section: String?
    var values: [String: LeafData] = [:]

    init(_ template: String, section: String? = nil) {
        self.template = template
        self.section = section
    }

    subscript(key: String) -> LeafData? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// The page as an HTML response.
    func response(for request: Request, status: HTTPStatus = .ok) async throws -> Response {
        var context = values
        context["lang"] = .string(request.webLanguage.rawValue)
        if let section { context["section"] = .string(section) }
        if let session = request.webSession {
            context["csrf"] = .string(session.csrfToken)
            context["user"] = .dictionary([
                "name": .string(session.user.displayName),
                "role": .string(request.text("role.\(session.user.role.rawValue)")),
                "admin": .bool(session.user.role == .admin),
                "mayImport": .bool(session.user.role == .admin || session.user.role == .manager),
            ])
        }
        let body = try await request.leaf.render(path: template, context: context.mapValues(Self.absentIfEmpty)).get()
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(buffer: body))
    }
}

extension WebPage {
    /// Leaf counts an empty text or list as true, so `#if(notes)` would show an empty note's punctuation and
    /// `#if(rows)` an empty table: empty texts and lists are passed as absent, and `#if(x)` means "has some" in every
    /// template. (A `#for` over a list that may be empty therefore sits inside an `#if` of it.)
    static func absentIfEmpty(_ value: LeafData) -> LeafData {
        switch value.celf {
        case .string: value.string?.isEmpty == true ? .trueNil : value
        case .array: value.array?.isEmpty != false ? .trueNil : .array((value.array ?? []).map(absentIfEmpty))
        case .dictionary: .dictionary((value.dictionary ?? [:]).mapValues(absentIfEmpty))
        default: value
        }
    }
}

extension Request {
    /// A catalogue text in the page's language; the key itself when the catalogue lacks it (a test keeps them
    /// complete).
    func text(_ key: String, _ arguments: [String] = []) -> String {
        application.webCatalogue.text(key, in: webLanguage, arguments) ?? key
    }

    /// A catalogue text in the page's language, or `otherwise` where the catalogue has none: for names and values
    /// that only some of which it translates (event kinds, fields, error codes, values people type).
    func said(_ key: String, otherwise: String) -> String {
        application.webCatalogue.text(key, in: webLanguage) ?? otherwise
    }
}

extension Application {
    private struct CatalogueKey: StorageKey {
        typealias Value = WebCatalogue
    }

    /// The UI's catalogues, loaded by `WebUI.configure`.
    var webCatalogue: WebCatalogue {
        get { storage[CatalogueKey.self] ?? WebCatalogue(texts: [:]) }
        set { storage[CatalogueKey.self] = newValue }
    }
}
