import Vapor

/// Which methods each registered path answers, so that a known path asked with another method gets
/// 405 Method Not Allowed and an `Allow` header instead of Vapor's 404.
struct AllowedMethods: @unchecked Sendable {
    // Filled once in `init` and only read afterwards, which is why sharing it across threads is safe.
    private let router = TrieRouter<[String]>()

    /// Collects the methods of every registered route, by path.
    init(_ routes: Routes) {
        var methodsByPath: [String: (path: [PathComponent], methods: [String])] = [:]
        for route in routes.all {
            let key = route.path.map(\.description).joined(separator: "/")
            methodsByPath[key, default: (route.path, [])].methods.append(route.method.rawValue)
        }
        // The root (the web UI's `GET /`) cannot be registered in a trie router; other methods there stay 404.
        for (path, methods) in methodsByPath.values where !path.isEmpty {
            router.register(methods.sorted(), at: path)
        }
    }

    /// The methods `path` answers; nil for a path no route has.
    func methods(for path: String) -> [String]? {
        var parameters = Parameters()
        return router.route(path: path.split(separator: "/").map(String.init), parameters: &parameters)
    }
}
