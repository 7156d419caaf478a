import AsyncHTTPClient
import Foundation
import Vapor

/// A browser for page tests: keeps the cookies the server sets, does not follow redirects (so tests see them),
/// posts forms URL-encoded, and reads a page's CSRF token.
final class Browser {
    let baseURL: String
    let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                            configuration: .init(redirectConfiguration: .disallow))
    var cookies: [String: String] = [:]
    var language: String

    init(_ app: TestApp, language: String = "zh-CN,zh;q=0.9") {
        baseURL = app.baseURL
        self.language = language
    }

    deinit { try? client.syncShutdown() }

    @discardableResult
    func get(_ path: String) async throws -> TestResponse {
        try await send(.GET, path, form: nil)
    }

    /// Posts `form`; `csrf` adds the token of the last page read.
    @discardableResult
    func post(_ path: String, _ form: [(String, String)]) async throws -> TestResponse {
        try await send(.POST, path, form: form)
    }

    /// Posts `fields` and one file as `multipart/form-data`, as a browser's file upload form does.
    @discardableResult
    func upload(_ path: String, _ fields: [(String, String)], file: (name: String, fileName: String, content: String))
        async throws -> TestResponse
    {
        let boundary = "rapport-test-\(UUID().uuidString)"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.fileName)\"\r\n"
            + "Content-Type: text/csv\r\n\r\n\(file.content)\r\n--\(boundary)--\r\n"
        return try await send(.POST, path, body: (ByteBuffer(string: body), "multipart/form-data; boundary=\(boundary)"))
    }

    /// The CSRF token in a page's forms.
    static func csrf(in page: TestResponse) -> String? {
        guard let range = page.text.range(of: #"name="csrf" value="([^"]*)""#, options: .regularExpression) else {
            return nil
        }
        return String(page.text[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    /// The `Set-Cookie` header of a response for `name`.
    static func setCookie(_ name: String, in response: TestResponse) -> String? {
        response.headers[canonicalForm: "Set-Cookie"].map(String.init).first { $0.hasPrefix(name + "=") }
    }

    private func send(_ method: HTTPMethod, _ path: String, form: [(String, String)]?) async throws -> TestResponse {
        guard let form else { return try await send(method, path, body: nil) }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.joined(separator: "&")
        return try await send(method, path, body: (ByteBuffer(string: body), "application/x-www-form-urlencoded"))
    }

    private func send(_ method: HTTPMethod, _ path: String, body: (bytes: ByteBuffer, type: String)?) async throws
        -> TestResponse
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept-Language", value: language)
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let body {
            request.headers.add(name: "Content-Type", value: body.type)
            request.body = .bytes(body.bytes)
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        for header in response.headers[canonicalForm: "Set-Cookie"] {
            let pair = header.split(separator: ";").first.map(String.init) ?? ""
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            if value.isEmpty || header.lowercased().contains("max-age=0") {
                cookies[name] = nil
            } else {
                cookies[name] = value
            }
        }
        return TestResponse(status: response.status, headers: response.headers, body: Data(buffer: bytes))
    }
}
