import Testing
@testable import GrokKit

/// The shared number formats.
@Suite struct SupportHelperTests {
    @Test func twoDecimalsRoundsLikePrintf() {
        #expect(NumberFormat.twoDecimals(0) == "0.00")
        #expect(NumberFormat.twoDecimals(3.14159) == "3.14")
        #expect(NumberFormat.twoDecimals(12.5) == "12.50")
        #expect(NumberFormat.twoDecimals(0.07) == "0.07")
        #expect(NumberFormat.humanSize(5 << 30) == "5.00 TiB")
    }
}
