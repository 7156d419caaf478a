import Foundation
import Leaf
import LeafKit
import Vapor

/// The web UI: its templates, stylesheet and catalogues (resources of this module), the Leaf renderer and the page
/// routes.
enum WebUI {
    /// Where the resources are: inside the binary's bundle, so pages render from any working directory.
    static var resources: URL {
        Bundle.module.url(forResource: "Resources", withExtension: nil)!
    }

    /// Sets up Leaf with the `#t` tag and registers the pages and assets.
    static func configure(_ app: Application) throws {
        let catalogue = try WebCatalogue.load(from: resources.appendingPathComponent("Locales"))
        app.webCatalogue = catalogue
        app.webFigures = WebFigureCache()
        app.views.use(.leaf)
        let views = resources.appendingPathComponent("Views").path + "/"
        app.leaf.configuration = LeafConfiguration(rootDirectory: views)
        // Templates stay inside their folder, but that folder may lie under a hidden one (a `.build` directory):
        // Leaf's default would refuse to read it.
        app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
                                                      sandboxDirectory: views, viewDirectory: views))
        app.leaf.tags["t"] = TranslateTag(catalogue: catalogue)
        let pages = app.grouped(WebSecurityHeaders(), WebSessionMiddleware(), WebErrors())
        pages.get("assets", ":file", use: asset)
        try pages.register(collection: SignInController())
        let signedIn = pages.grouped(RequireSignIn())
        signedIn.get { request in request.redirect(to: "/dashboard") }
        try signedIn.register(collection: DashboardPageController())
        try signedIn.register(collection: CustomersPageController())
        try signedIn.register(collection: CustomerPageController())
        try signedIn.register(collection: CrowdsPageController())
        try signedIn.register(collection: ImportsPageController())
        try signedIn.register(collection: DuplicatesPageController())
        try signedIn.register(collection: SettingsPageController())
        try signedIn.register(collection: AuditPageController())
    }

    /// The stylesheet (and later scripts): only files of `Resources/Public`, cached for an hour.
    @Sendable static func asset(request: Request) async throws -> Response {
        let name = try request.parameters.require("file")
        let types: [String: HTTPMediaType] = ["css": .css, "js": HTTPMediaType(type: "text", subType: "javascript"),
                                              "svg": .svg]
        guard !name.hasPrefix("."), !name.contains("/"), let type = types[String(name.split(separator: ".").last ?? "")],
              let data = FileManager.default.contents(
                  atPath: resources.appendingPathComponent("Public").appendingPathComponent(name).path)
        else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = type
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
