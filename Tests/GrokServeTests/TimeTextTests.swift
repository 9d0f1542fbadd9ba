import Testing
@testable import GrokServe

@Suite struct TimeTextTests {
    @Test func fetchLengthsKeepTheirHundredths() {
        // A repository page once said "0 s" for a 0.25 s fetch.
        #expect(TimeText.seconds(0.25) == "0.25 s")
        #expect(TimeText.seconds(0.004) == "0.00 s")
        #expect(TimeText.seconds(12.4) == "12.40 s")
        #expect(TimeText.seconds(59.999) == "60.00 s")
        #expect(TimeText.seconds(125) == "2m 5s")
        #expect(TimeText.seconds(-3) == "0.00 s")
        #expect(TimeText.seconds(.infinity) == "0s")
    }

    @Test func durationsAndDates() {
        #expect(TimeText.duration(12) == "12s")
        #expect(TimeText.duration(3 * 86_400 + 4 * 3600 + 59) == "3d 4h")
        #expect(TimeText.utc(0) == "1970-01-01 00:00:00 UTC")
        #expect(TimeText.utc(nil) == "—")
    }
}
