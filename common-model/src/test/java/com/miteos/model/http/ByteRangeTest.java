package com.miteos.model.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The answer to a Range header (RFC 9110, section 14) for files of a given size. */
class ByteRangeTest {

    @ParameterizedTest(name = "[{index}] Range: {0} of {1} bytes -> {2} {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // header                              | size | status | Content-Range        | first | length
            "NULL                                  | 10   | 200    | NULL                 | 0     | 10",
            "bytes=0-0                             | 10   | 206    | bytes 0-0/10         | 0     | 1",
            "bytes=2-5                             | 10   | 206    | bytes 2-5/10         | 2     | 4",
            "bytes=0-9                             | 10   | 206    | bytes 0-9/10         | 0     | 10",
            "bytes=5-99                            | 10   | 206    | bytes 5-9/10         | 5     | 5",
            "bytes=9-                              | 10   | 206    | bytes 9-9/10         | 9     | 1",
            "bytes=0-                              | 10   | 206    | bytes 0-9/10         | 0     | 10",
            "bytes=-3                              | 10   | 206    | bytes 7-9/10         | 7     | 3",
            "bytes=-10                             | 10   | 206    | bytes 0-9/10         | 0     | 10",
            "bytes=-99                             | 10   | 206    | bytes 0-9/10         | 0     | 10",
            "BYTES=2-5                             | 10   | 206    | bytes 2-5/10         | 2     | 4",
            "bytes= 2-5                            | 10   | 206    | bytes 2-5/10         | 2     | 4",
            "bytes=0-99999999999999999999999999999 | 10   | 206    | bytes 0-9/10         | 0     | 10",
            // unsatisfiable: 416 with the size
            "bytes=10-                             | 10   | 416    | bytes */10           | 0     | 0",
            "bytes=10-20                           | 10   | 416    | bytes */10           | 0     | 0",
            "bytes=99999999999999999999999999999-  | 10   | 416    | bytes */10           | 0     | 0",
            "bytes=-0                              | 10   | 416    | bytes */10           | 0     | 0",
            "bytes=0-                              | 0    | 416    | bytes */0            | 0     | 0",
            "bytes=-5                              | 0    | 416    | bytes */0            | 0     | 0",
            // malformed, another unit, several ranges: ignored, the whole file
            "bytes=5-2                             | 10   | 200    | NULL                 | 0     | 10",
            "bytes=-                               | 10   | 200    | NULL                 | 0     | 10",
            "bytes=                                | 10   | 200    | NULL                 | 0     | 10",
            "bytes=a-b                             | 10   | 200    | NULL                 | 0     | 10",
            "bytes=1-2-3                           | 10   | 200    | NULL                 | 0     | 10",
            "bytes=+1-2                            | 10   | 200    | NULL                 | 0     | 10",
            "bytes=2                               | 10   | 200    | NULL                 | 0     | 10",
            "bytes 2-5                             | 10   | 200    | NULL                 | 0     | 10",
            "items=2-5                             | 10   | 200    | NULL                 | 0     | 10",
            "''                                    | 10   | 200    | NULL                 | 0     | 10",
            "'bytes=0-1,4-5'                       | 10   | 200    | NULL                 | 0     | 10",
            "'bytes=20-30,40-'                     | 10   | 200    | NULL                 | 0     | 10",
    })
    void answersOneRangeOrTheWholeFile(String header, long size, int status, String contentRange, long first,
            long length) {
        ByteRange range = ByteRange.of(header, size);
        assertThat(range.status()).isEqualTo(status);
        assertThat(range.contentRange()).isEqualTo(contentRange);
        if (status != 416) {
            assertThat(range.first()).isEqualTo(first);
            assertThat(range.length()).isEqualTo(length);
        }
        assertThat(range.partial()).isEqualTo(status == 206);
    }
}
