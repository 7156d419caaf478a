import Foundation
import RapportCore
import Vapor

/// A `multipart/form-data` import upload, streamed to a file as it arrives (a file of any size never sits in
/// memory): the part named `file` goes to disk, the other parts are the import's options.
struct ImportUpload {
    /// Where the file was written.
    let path: String
    /// The name the client gave the file.
    let fileName: String
    /// The other form fields, by name.
    let fields: [String: String]

    /// The largest upload accepted.
    static let maxBytes = 4 << 30
    /// The largest form field other than the file.
    static let maxFieldBytes = 16 << 10

    /// Receives the request's body into `folder`.
    /// - Throws: a problem naming what is wrong: not multipart, no `file` part, a field too long, too large.
    static func receive(_ request: Request, into folder: URL) async throws -> ImportUpload {
        guard let contentType = request.headers.contentType, contentType.type == "multipart",
              contentType.subType == "form-data", let boundary = contentType.parameters["boundary"], !boundary.isEmpty
        else {
            throw Problem(.unsupportedMediaType, type: ProblemType.malformedBody,
                          detail: "expected multipart/form-data with a part named file")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(UUIDText.format(UUID()) + ".upload").path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw Abort(.internalServerError, reason: "cannot write the upload") }
        var parts = Parts(handle: handle)
        var stream = MultipartStream(boundary: boundary)
        var received = 0
        do {
            for try await chunk in request.body {
                received += chunk.readableBytes
                guard received <= maxBytes else {
                    throw Problem(.payloadTooLarge, type: ProblemType.malformedBody,
                                  detail: "an import file may be up to \(maxBytes >> 30) GiB")
                }
                try stream.feed(chunk.readableBytesView) { event in try parts.handle(event) }
            }
            guard stream.isComplete else {
                throw MultipartStream.Malformed(message: "the body ends before its closing boundary")
            }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
            if error is Problem { throw error }
            let detail = (error as? MultipartStream.Malformed)?.message ?? "the upload could not be read"
            throw Problem(.badRequest, type: ProblemType.malformedBody, detail: "not multipart/form-data: \(detail)")
        }
        guard parts.sawFile else {
            try? FileManager.default.removeItem(atPath: path)
            throw Problem.validation(ValidationError(field: "file", code: "required",
                                                     message: "a part named file holding the file to import is required"))
        }
        return ImportUpload(path: path, fileName: parts.fileName ?? "upload", fields: parts.fields)
    }

    /// The parts read so far.
    private struct Parts {
        let handle: FileHandle
        var fields: [String: String] = [:]
        var fileName: String?
        var sawFile = false
        private var name: String?
        private var isFile = false
        private var value: [UInt8] = []

        init(handle: FileHandle) {
            self.handle = handle
        }

        mutating func handle(_ event: MultipartStream.Event) throws {
            switch event {
            case .part(let headers):
                let parameters = Self.parameters(headers["content-disposition"] ?? "")
                name = parameters["name"]
                isFile = name == "file"
                if isFile {
                    sawFile = true
                    fileName = parameters["filename"].map { ($0 as NSString).lastPathComponent }
                }
            case .content(let bytes):
                if isFile {
                    try handle.write(contentsOf: bytes)
                } else {
                    value += bytes
                    if value.count > ImportUpload.maxFieldBytes {
                        throw Problem.validation(ValidationError(field: name ?? "form", code: "too_long",
                                                                 message: "a form field may be up to 16 KiB"))
                    }
                }
            case .partEnd:
                if !isFile, let name { fields[name] = String(decoding: value, as: UTF8.self) }
                name = nil
                isFile = false
                value = []
            }
        }

        /// The `key="value"` parameters of a `Content-Disposition` header.
        static func parameters(_ header: String) -> [String: String] {
            var parameters: [String: String] = [:]
            for part in header.split(separator: ";").dropFirst() {
                let pair = part.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
                var value = pair[1].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                parameters[key] = value
            }
            return parameters
        }
    }
}
