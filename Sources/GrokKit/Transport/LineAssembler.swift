/// Cuts a byte stream into newline-terminated lines of at most `limit`
/// bytes. A longer line is dropped whole and reported once, so a client can
/// never make the reader buffer without bound.
struct LineAssembler {
    enum Piece: Equatable {
        case line([UInt8])
        case overlong
    }

    let limit: Int
    private var buffer: [UInt8] = []
    private var discarding = false

    init(limit: Int) { self.limit = limit }

    /// Bytes of an unfinished line arrived (or one being discarded as overlong).
    var isMidLine: Bool { discarding || !buffer.isEmpty }

    mutating func feed(_ bytes: some Collection<UInt8>) -> [Piece] {
        var pieces: [Piece] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if discarding { discarding = false } else { pieces.append(.line(buffer)) }
                buffer.removeAll(keepingCapacity: true)
            } else if !discarding {
                if buffer.count == limit {
                    pieces.append(.overlong)
                    discarding = true
                    buffer.removeAll(keepingCapacity: true)
                } else {
                    buffer.append(byte)
                }
            }
        }
        return pieces
    }

    /// At end of stream: a last line without its newline still counts.
    mutating func finish() -> [Piece] {
        defer { buffer = []; discarding = false }
        return discarding || buffer.isEmpty ? [] : [.line(buffer)]
    }
}
