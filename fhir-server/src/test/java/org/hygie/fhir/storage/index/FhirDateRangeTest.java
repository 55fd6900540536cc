package org.hygie.fhir.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FhirDateRangeTest {

    @ParameterizedTest(name = "{0} covers [{1}, {2})")
    @CsvSource({
        "2024,                           2024-01-01T00:00:00Z,     2025-01-01T00:00:00Z",
        "2024-02,                        2024-02-01T00:00:00Z,     2024-03-01T00:00:00Z",
        "2024-12,                        2024-12-01T00:00:00Z,     2025-01-01T00:00:00Z",
        "2024-02-29,                     2024-02-29T00:00:00Z,     2024-03-01T00:00:00Z",
        "2024-03-01T10:00,               2024-03-01T10:00:00Z,     2024-03-01T10:01:00Z",
        "2024-03-01T10:00:30Z,           2024-03-01T10:00:30Z,     2024-03-01T10:00:31Z",
        "2024-03-01T10:00:30+01:00,      2024-03-01T09:00:30Z,     2024-03-01T09:00:31Z",
        "2024-03-31T02:30:00-05:00,      2024-03-31T07:30:00Z,     2024-03-31T07:30:01Z",
        "2024-03-01T10:00:30.5Z,         2024-03-01T10:00:30.500Z, 2024-03-01T10:00:30.600Z",
        "2024-03-01T10:00:30.25Z,        2024-03-01T10:00:30.250Z, 2024-03-01T10:00:30.260Z",
        "2024-03-01T10:00:30.123Z,       2024-03-01T10:00:30.123Z, 2024-03-01T10:00:30.124Z",
        "2024-03-01T10:00:30.123456Z,    2024-03-01T10:00:30.123Z, 2024-03-01T10:00:30.124Z",
    })
    void rangeFollowsPrecision(String text, String low, String high) {
        FhirDateRange range = FhirDateRange.parse(text).orElseThrow();
        assertThat(Instant.ofEpochMilli(range.lowMs())).isEqualTo(Instant.parse(low));
        assertThat(Instant.ofEpochMilli(range.highMs())).isEqualTo(Instant.parse(high));
    }

    @ParameterizedTest
    @CsvSource({"2024-13", "2024-02-30", "24-01-01", "2024-01-01T25:00", "2024-01-01T10", "yesterday", "2024-01-01T10:00:00+25:00", "''"})
    void rejectsWhatIsNotAFhirDate(String text) {
        assertThat(FhirDateRange.parse(text)).isEmpty();
    }
}
