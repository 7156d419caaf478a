import Foundation

/// The RFC 4180 grammar of one record, fed bytes as they come. It stores the record's bytes and its values up to
/// the limits and, past them, still follows the grammar, without storing, to find where the record ends.
struct RecordScanner {
    enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterQuoted }

    let delimiter: UInt8
    let gb18030: Bool
    let maxFieldBytes: Int
    /// Fields past this many are counted, not stored.
    var expectedFields: Int
    /// The most bytes of one record stored.
    var rawLimit: Int

    /// The physical line the next byte is on.
    private(set) var line = 1
    private(set) var recordLine = 1
    private(set) var state = State.fieldStart
    private(set) var fieldCount = 0
    /// The 1-based number of the first field longer than `maxFieldBytes`.
    private(set) var longField: Int?
    /// Whether the record was longer than `rawLimit`.
    private(set) var overflowed = false
    private var raw: [UInt8] = []
    /// The values back to back, each ending at its entry of `fieldEnds`.
    private var values: [UInt8] = []
    private var fieldEnds: [Int] = []
    /// Where the current value ends once blanks after it outside quotes are trimmed.
    private var valueEnd = 0
    private var fieldSize = 0
    private var hasContent = false
    /// The previous byte began a GB18030 character, whose second byte may look like a vertical bar.
    private var afterLead = false

    init(delimiter: UInt8, gb18030: Bool, maxFieldBytes: Int, expectedFields: Int, rawLimit: Int) {
        self.delimiter = delimiter
        self.gb18030 = gb18030
        self.maxFieldBytes = maxFieldBytes
        self.expectedFields = expectedFields
        self.rawLimit = rawLimit
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == .carriageReturn }

    static func isGB18030Trail(_ byte: UInt8) -> Bool { (0x40...0x7E).contains(byte) || (0x80...0xFE).contains(byte) }

    mutating func startRecord() {
        recordLine = line
        state = .fieldStart
        fieldCount = 0
        longField = nil
        overflowed = false
        raw.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        valueEnd = 0
        fieldSize = 0
        hasContent = false
        afterLead = false
    }

    /// Consumes bytes up to the end of a record, skipping blank lines; returns how many it consumed and whether a
    /// record ended.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> (consumed: Int, ended: Bool) {
        var index = 0
        while index < bytes.count {
            // Most bytes are inside values: take them a run at a time rather than one by one.
            if state == .unquoted || state == .afterQuoted || state == .quoted {
                let end = runEnd(bytes, from: index)
                if end > index {
                    take(UnsafeBufferPointer(rebasing: bytes[index..<end]))
                    index = end
                    continue
                }
            }
            let byte = bytes[index]
            index += 1
            if byte == .lineFeed, state != .quoted {
                line += 1
                guard hasContent else {
                    startRecord()
                    continue
                }
                endField()
                return (index, true)
            }
            keep(UnsafeBufferPointer(rebasing: bytes[(index - 1)..<index]))
            hasContent = hasContent || !Self.isBlank(byte)
            switch state {
            case .fieldStart:
                if byte == delimiter {
                    endField()
                } else if byte == .quote {
                    state = .quoted
                } else if !Self.isBlank(byte) {
                    state = .unquoted
                    take(byte)
                }
            case .unquoted, .afterQuoted:
                endField()
            case .quoted:
                if byte == .quote {
                    state = .quoteInQuoted
                } else {
                    line += 1
                    dropCarriageReturn()
                    take(byte)
                }
            case .quoteInQuoted:
                if byte == .quote {
                    state = .quoted
                    take(byte)
                } else if byte == delimiter {
                    endField()
                } else {
                    // Text after a closing quote is kept, as spreadsheets do.
                    state = .afterQuoted
                    take(byte)
                }
            }
            afterLead = gb18030 && (0x81...0xFE).contains(byte)
        }
        return (bytes.count, false)
    }

    /// Ends the record at the end of the input; false when nothing but blank lines came since the last one.
    mutating func endRecord() -> Bool {
        guard hasContent else { return false }
        endField()
        return true
    }

    /// The record's text as far as it was kept (`rawLimit`), for reporting a record that cannot be read: decoded in
    /// the file's encoding when its bytes are valid, else with replacement characters.
    var rawText: String {
        let rawCount = raw.last == .carriageReturn ? raw.count - 1 : raw.count
        return raw.withUnsafeBufferPointer { bytes in
            let kept = UnsafeBufferPointer(rebasing: bytes.prefix(rawCount))
            return (gb18030 ? GB18030.decode(kept) : nil) ?? String(decoding: kept, as: UTF8.self)
        }
    }

    /// The record's text and values, or nil when its bytes are not valid in the encoding.
    func decoded() -> (raw: String, fields: [String])? {
        let decode = gb18030 ? GB18030.decode : { String(validating: $0, as: UTF8.self) }
        let rawCount = raw.last == .carriageReturn ? raw.count - 1 : raw.count
        guard let text = raw.withUnsafeBufferPointer({ decode(UnsafeBufferPointer(rebasing: $0.prefix(rawCount))) })
        else { return nil }
        var fields: [String] = []
        fields.reserveCapacity(fieldEnds.count)
        return values.withUnsafeBufferPointer { values in
            var start = 0
            for end in fieldEnds {
                let value = UnsafeBufferPointer(rebasing: values[start..<end])
                // Values are the record less some ASCII bytes, so they are valid when it is.
                fields.append(gb18030 ? GB18030.decode(value) ?? "" : String(decoding: value, as: UTF8.self))
                start = end
            }
            return (text, fields)
        }
    }

    /// Where the run of value bytes from `start` ends: at a line break, or at a quote inside quotes and the delimiter
    /// outside them.
    private mutating func runEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let stop = state == .quoted ? UInt8.quote : delimiter
        var end = start
        if afterLead, Self.isGB18030Trail(bytes[start]) { end += 1 }
        afterLead = false
        while end < bytes.count, bytes[end] != stop, bytes[end] != .lineFeed {
            end += 1
            // The second byte of a GB18030 character can be a vertical bar; it belongs to the character.
            if gb18030, (0x81...0xFE).contains(bytes[end - 1]) {
                if end == bytes.count {
                    afterLead = true
                } else if Self.isGB18030Trail(bytes[end]) {
                    end += 1
                }
            }
        }
        return end
    }

    /// Stores bytes of the record, up to `rawLimit`.
    private mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>) {
        let room = rawLimit - raw.count
        raw.append(contentsOf: bytes.prefix(room))
        if bytes.count > room { overflowed = true }
    }

    /// Stores a run of the current value with the record, and in the value unless the record is known to be rejected.
    private mutating func take(_ run: UnsafeBufferPointer<UInt8>) {
        keep(run)
        fieldSize += run.count
        if fieldSize > maxFieldBytes, longField == nil { longField = fieldCount + 1 }
        guard isStoring else { return }
        let start = values.count
        values.append(contentsOf: run)
        if state == .quoted {
            valueEnd = values.count
        } else if let last = run.lastIndex(where: { !Self.isBlank($0) }) {
            valueEnd = start + last + 1
        }
    }

    /// Adds a byte to the current value, unless the record is known to be rejected.
    private mutating func take(_ byte: UInt8) {
        fieldSize += 1
        if fieldSize > maxFieldBytes, longField == nil { longField = fieldCount + 1 }
        guard isStoring else { return }
        values.append(byte)
        if state == .quoted || !Self.isBlank(byte) { valueEnd = values.count }
    }

    private var isStoring: Bool { fieldCount < expectedFields && longField == nil && !overflowed }

    /// A line break inside quotes is `\n` in the value, whichever the file uses.
    private mutating func dropCarriageReturn() {
        guard isStoring, values.count > fieldEnds.last ?? 0, values.last == .carriageReturn else { return }
        values.removeLast()
        valueEnd = values.count
    }

    private mutating func endField() {
        if isStoring {
            values.removeSubrange(valueEnd...)
            fieldEnds.append(values.count)
        }
        fieldCount += 1
        fieldSize = 0
        valueEnd = values.count
        state = .fieldStart
    }
}

extension UInt8 {
    static let quote = UInt8(ascii: "\"")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
}
