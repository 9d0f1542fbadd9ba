import CZlib

/// gzip framing through zlib, for `.gz` manifests.
package enum Gzip {
    package enum Error: Swift.Error, CustomStringConvertible {
        case corrupt(String)
        case tooLarge(limit: Int)
        package var description: String {
            switch self {
            case .corrupt(let why): return "not valid gzip data (\(why))"
            case .tooLarge(let limit): return "decompresses to more than \(limit) bytes"
            }
        }
    }

    /// The gzip magic: manifests named `.gz` are sometimes served already
    /// decompressed by HTTP servers, so callers sniff before inflating.
    package static func looksCompressed(_ data: [UInt8]) -> Bool {
        data.count >= 2 && data[0] == 0x1F && data[1] == 0x8B
    }

    /// Inflates `data`, refusing to produce more than `limit` bytes (a gzip
    /// bomb must not exhaust memory).
    package static func decompress(_ data: [UInt8], limit: Int = 1 << 30) throws(Error) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("zlib init failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(data.count * 6, 4096)))
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var input = data
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            while true {
                let result: Int32 = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > limit { return Z_MEM_ERROR - 1000 }
                output.append(contentsOf: chunk[0..<produced])
                if result == Z_STREAM_END {
                    // Concatenated gzip members are valid gzip; continue with the next.
                    if stream.avail_in > 0 { guard inflateReset(&stream) == Z_OK else { return Z_DATA_ERROR }; continue }
                    return Z_STREAM_END
                }
                if result == Z_BUF_ERROR && stream.avail_in == 0 { return Z_BUF_ERROR }
                if result != Z_OK { return result }
            }
        }
        switch status {
        case Z_STREAM_END: return output
        case Z_MEM_ERROR - 1000: throw .tooLarge(limit: limit)
        case Z_BUF_ERROR: throw .corrupt("truncated")
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw .corrupt(message)
        }
    }

    /// Deflates `data` into a single gzip member. Level 6 is zlib's balance:
    /// manifests shrink ~10x, at a fraction of Python's level 9 cost.
    package static func compress(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))) + 64)
        var input = data
        let written: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                let result = deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflate with a sufficient bound must finish")
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }
}
