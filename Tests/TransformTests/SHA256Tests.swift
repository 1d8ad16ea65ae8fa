import Transform
import XCTest

/// The FIPS 180-4 example vectors published by NIST (csrc.nist.gov "SHA256.pdf", "SHA2_Additional.pdf").
final class SHA256Tests: XCTestCase {
    private func hex(_ text: String) -> String { SHA256.hex(SHA256.hash(Array(text.utf8))) }

    func testNISTOneBlockMessage() {
        XCTAssertEqual(hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testNISTTwoBlockMessage() {
        XCTAssertEqual(
            hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testNISTEmptyMessage() {
        XCTAssertEqual(hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testNISTMillionA() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { chunk.withUnsafeBytes { hasher.update($0) } }
        XCTAssertEqual(SHA256.hex(hasher.finalize()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testNIST896BitMessage() {
        XCTAssertEqual(
            hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func testPortableAndHardwareBlockFunctionsAgreeOnNISTVectors() {
        let saved = SHA256.useHardware
        defer { SHA256.useHardware = saved }
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        let long = [UInt8]((0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        var digests: [[String]] = []
        for hardware in [false, saved] {
            SHA256.useHardware = hardware
            digests.append([SHA256.hex(SHA256.hash(message)), SHA256.hex(SHA256.hash(long))])
        }
        XCTAssertEqual(digests[0][0], "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(digests[0], digests[1], "hardware (\(saved)) and portable agree")
    }

    func testIncrementalUpdatesAtEveryBoundaryAgreeWithOneShot() {
        let message = Array((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let oneShot = SHA256.hash(message)
        for split in [1, 55, 56, 63, 64, 65, 128, 299] {
            var hasher = SHA256()
            message[..<split].withUnsafeBytes { hasher.update($0) }
            message[split...].withUnsafeBytes { hasher.update($0) }
            XCTAssertEqual(hasher.finalize(), oneShot, "split at \(split)")
        }
    }
}
