import Foundation
import RapportCore
import Testing
import Vapor

@Suite("The OpenAPI document matches the routes")
struct OpenAPITests {
    @Test("every registered route is described, and every described operation is registered")
    func documentMatchesRoutes() async throws {
        try await TestApp.run { api in
            let response = try await api.send(.GET, "/api/openapi.json", anonymous: true)
            #expect(response.status == .ok)
            let document = response.json
            #expect(document["openapi"] == "3.1.0")
            let paths = try #require(document["paths"]?.objectValue)

            var registered = Set<String>()
            for route in api.app.routes.all {
                let path = "/" + route.path.map { component -> String in
                    switch component {
                    case .constant(let text): text
                    case .parameter(let name): "{\(name)}"
                    case .anything: "*"
                    case .catchall: "**"
                    }
                }.joined(separator: "/")
                // The web UI's pages and assets are HTML for browsers, not part of the API.
                guard path.hasPrefix("/api/") || ["/healthz", "/readyz"].contains(path) else { continue }
                let method = route.method.rawValue.lowercased()
                registered.insert("\(method) \(path)")
                #expect(paths[path]?[method] != nil, "\(method.uppercased()) \(path) is not in the OpenAPI document")
            }
            var described = Set<String>()
            for (path, operations) in paths {
                for method in operations.objectValue?.keys ?? [:].keys { described.insert("\(method) \(path)") }
            }
            #expect(described == registered)
        }
    }

    @Test("every $ref points at a component that exists")
    func referencesResolve() async throws {
        try await TestApp.run { api in
            let document = try await api.send(.GET, "/api/openapi.json", anonymous: true).json
            var references: [String] = []
            func collect(_ value: JSONValue) {
                switch value {
                case .object(let members):
                    if case .string(let target)? = members["$ref"] { references.append(target) }
                    members.values.forEach(collect)
                case .array(let items): items.forEach(collect)
                default: break
                }
            }
            collect(document)
            #expect(!references.isEmpty)
            for reference in Set(references) {
                let parts = reference.split(separator: "/").dropFirst().map(String.init)
                var node: JSONValue? = document
                for part in parts { node = node?[part] }
                #expect(node != nil, "\(reference) does not resolve")
            }
        }
    }
}

@Suite("HTTP method handling")
struct MethodTests {
    @Test("a known path asked with another method is a 405 with Allow; an unknown path is a 404")
    func methodNotAllowed() async throws {
        try await TestApp.run { api in
            let put = try await api.send(.PUT, "/api/v1/customers", json: ["name": "x"])
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers.first(name: "Allow") == "GET, POST")
            #expect(put.headers.first(name: "Content-Type")?.hasPrefix("application/problem+json") == true)
            let trace = try await api.send(.init(rawValue: "TRACE"), "/readyz", anonymous: true)
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.headers.first(name: "Allow") == "GET")
            let id = UUID().uuidString.lowercased()
            #expect(try await api.send(.POST, "/api/v1/customers/\(id)").headers.first(name: "Allow") == "DELETE, GET, PATCH")
            #expect(try await api.send(.GET, "/api/v1/nothing-here").status == .notFound)
            #expect(try await api.count("customers") == 0)
        }
    }
}
