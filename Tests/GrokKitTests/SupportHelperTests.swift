import Testing
@testable import GrokKit

/// The shared number formats and duration conversion.
@Suite struct SupportHelperTests {
    @Test func twoDecimalsRoundsLikePrintf() {
        #expect(NumberFormat.twoDecimals(0) == "0.00")
        #expect(NumberFormat.twoDecimals(3.14159) == "3.14")
        #expect(NumberFormat.twoDecimals(12.5) == "12.50")
        #expect(NumberFormat.twoDecimals(0.07) == "0.07")
        #expect(NumberFormat.humanSize(5 << 30) == "5.00 TiB")
    }

    @Test func durationInSecondsKeepsFractions() {
        #expect(Duration.seconds(3).inSeconds == 3)
        #expect(Duration.milliseconds(1500).inSeconds == 1.5)
        #expect(Duration.microseconds(250).inSeconds == 0.00025)
    }
}
