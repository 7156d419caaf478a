import Foundation
import RapportCore
import Testing

@Suite("Imports through the API: upload, preview, run, report")
struct ImportAPITests {
    static let boundary = "rapport-test-boundary"

    /// A `multipart/form-data` body with the file and the given fields.
    static func form(file: String, fileName: String = "customers.csv", fields: [String: String] = [:]) -> Data {
        var body = ""
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n"
        body += "Content-Type: text/csv\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        return Data(body.utf8)
    }

    static func upload(_ api: TestApp, _ file: String, fields: [String: String] = [:], token: String? = nil)
        async throws -> TestResponse
    {
        try await api.send(.POST, "/api/v1/imports", token: token, body: form(file: file, fields: fields),
                           contentType: "multipart/form-data; boundary=\(boundary)")
    }

    /// The job once it is no longer running.
    static func settled(_ api: TestApp, _ id: String) async throws -> JSONValue {
        for _ in 0..<200 {
            let job = try await api.send(.GET, "/api/v1/imports/\(id)").json
            if job["status"] != "running" && job["status"] != "previewing" { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("import \(id) did not finish")
    }

    static let file = """
        姓名,手机,邮箱,城市
        王小明,13800138000,xm@example.com,上海市
        坏行,12,,北京市
        老王,13900139000,wang@example.com,杭州市

        """

    @Test("a preview reports every row and writes nothing; the run does what it said; the same file again is done")
    func previewThenRun() async throws {
        try await TestApp.run { api in
            _ = try await api.customerID("老王", extra: ["phones": [["number": "13900139000"]]])
            let customers = try await api.count("customers")
            let preview = try await Self.upload(api, Self.file, fields: ["dry_run": "true", "source": "erp"])
            #expect(preview.status == .accepted)
            let previewID = try #require(preview.json["id"]?.stringValue)
            #expect(preview.headers.first(name: "Location") == "/api/v1/imports/\(previewID)")
            let previewed = try await Self.settled(api, previewID)
            #expect(previewed["status"] == "previewed" && previewed["dry_run"] == true)
            #expect(previewed["counts"] == ["created": 1, "updated": 1, "unchanged": 0, "rejected": 1, "flagged": 0])
            #expect(previewed["total_rows"] == 3 && previewed["done_rows"] == 3)
            let rows = try await api.send(.GET, "/api/v1/imports/\(previewID)/rows").json["items"]?.arrayValue ?? []
            #expect(rows.map { $0["action"] } == ["created", "rejected", "updated"])
            #expect(rows[1]["line"] == 3 && rows[1]["raw"] == "坏行,12,,北京市")
            #expect(rows[1]["reasons"]?[0]?.stringValue?.hasPrefix("手机") == true)
            #expect(rows[2]["changes"]?.arrayValue?.compactMap { $0["field"]?.stringValue }.sorted()
                == ["addresses", "emails"])
            #expect(try await api.count("customers") == customers)

            api.clock.advance(by: 60)
            let real = try await Self.upload(api, Self.file, fields: ["source": "erp"])
            #expect(real.status == .accepted)
            let realID = try #require(real.json["id"]?.stringValue)
            let done = try await Self.settled(api, realID)
            #expect(done["status"] == "finished" && done["dry_run"] == false)
            #expect(done["counts"] == ["created": 1, "updated": 1, "unchanged": 0, "rejected": 1, "flagged": 0])
            #expect(try await api.count("customers") == customers + 1)
            let rejected = try await api.send(.GET, "/api/v1/imports/\(realID)/rows?action=rejected").json
            #expect(rejected["items"]?.arrayValue?.map { $0["line"] } == [3])

            let again = try await Self.upload(api, Self.file, fields: ["source": "erp"])
            #expect(again.status == .ok && again.json["id"]?.stringValue == realID)
            let list = try await api.send(.GET, "/api/v1/imports").json["items"]?.arrayValue ?? []
            #expect(list.compactMap { $0["id"]?.stringValue } == [realID, previewID])
        }
    }

    @Test("bad uploads are refused, naming the field, and change nothing; agents may not import")
    func badUploads() async throws {
        try await TestApp.run { api in
            let before = try await api.count("imports")
            let notMultipart = try await api.send(.POST, "/api/v1/imports", body: Data(Self.file.utf8),
                                                  contentType: "text/csv")
            #expect(notMultipart.status == .unsupportedMediaType)
            let noFile = try await api.send(
                .POST, "/api/v1/imports",
                body: Data("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\nerp\r\n--\(Self.boundary)--\r\n".utf8),
                contentType: "multipart/form-data; boundary=\(Self.boundary)")
            #expect(noFile.status == .unprocessableEntity && noFile.text.contains("\"file\""))
            for (fields, field) in [(["dry_run": "maybe"], "dry_run"), (["kind": "orders"], "kind"),
                                    (["colour": "red"], "colour"), (["map": "不存在=phone"], "map"),
                                    (["format": "xlsx"], "format")]
            {
                let response = try await Self.upload(api, Self.file, fields: fields)
                #expect(response.status == .unprocessableEntity && response.text.contains("\"\(field)\""),
                        "\(fields) → \(response.status) \(response.text)")
            }
            var highByte = Data("--\(Self.boundary)\r\n".utf8)
            highByte.append(contentsOf: [0xFF, 0xC3])
            highByte.append(Data(": x\r\n\r\nbody\r\n--\(Self.boundary)--\r\n".utf8))
            let strange = try await api.send(.POST, "/api/v1/imports", body: highByte,
                                             contentType: "multipart/form-data; boundary=\(Self.boundary)")
            #expect(strange.status == .unprocessableEntity && strange.text.contains("\"file\""))
            let cut = try await api.send(.POST, "/api/v1/imports", body: Self.form(file: Self.file).prefix(60),
                                         contentType: "multipart/form-data; boundary=\(Self.boundary)")
            #expect(cut.status == .badRequest)
            let empty = try await Self.upload(api, "")
            #expect(empty.status == .unprocessableEntity && empty.text.contains("\"file\""))
            let binary = try await Self.upload(api, String(decoding: [0, 159, 146, 150, 0, 1], as: UTF8.self))
            #expect(binary.status == .unprocessableEntity)
            #expect(try await api.count("imports") == before)
            #expect(try await api.count("customers") == 0)

            let agent = try await api.user("agent@example.com", role: .agent, team: "north")
            #expect(try await Self.upload(api, Self.file, token: agent.token).status == .forbidden)
            #expect(try await api.send(.GET, "/api/v1/imports", token: agent.token).status == .forbidden)
            #expect(try await api.send(.GET, "/api/v1/imports/\(UUIDText.format(UUID()))").status == .notFound)
            let job = try #require(try await Self.upload(api, Self.file).json["id"]?.stringValue)
            _ = try await Self.settled(api, job)
            #expect(try await api.send(.GET, "/api/v1/imports/\(job)/rows?action=maybe").status == .badRequest)
        }
    }
}
