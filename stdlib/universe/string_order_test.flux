package universe_test


// Strings order by their UTF-8 bytes, as in Flux (Go compares strings bytewise), so
// U+FF01 (fullwidth !, bytes EF BC 81) sorts before U+1F600 (grinning face, bytes F0 9F 98 80)
// although JavaScript's UTF-16 order puts the surrogate pair of U+1F600 first.
import "array"
import "testing"

rows = array.from(rows: [{_value: "😀"}, {_value: "！"}, {_value: "a"}, {_value: "😀x"}])

testcase sort_strings_utf8_order {
    got = rows |> sort()
    want = array.from(rows: [{_value: "a"}, {_value: "！"}, {_value: "😀"}, {_value: "😀x"}])

    testing.diff(got: got, want: want)
}

testcase sort_strings_utf8_order_desc {
    got = rows |> sort(desc: true)
    want = array.from(rows: [{_value: "😀x"}, {_value: "😀"}, {_value: "！"}, {_value: "a"}])

    testing.diff(got: got, want: want)
}

testcase min_max_strings_utf8_order {
    testing.diff(got: rows |> min(), want: array.from(rows: [{_value: "a"}]))
    testing.diff(got: rows |> max(), want: array.from(rows: [{_value: "😀x"}]))
    testing.diff(got: rows |> filter(fn: (r) => r._value != "a") |> min(), want: array.from(rows: [{_value: "！"}]))
}

// filter's compiled row function and the interpreter agree with the operators.
testcase compare_strings_utf8_order {
    got = rows |> filter(fn: (r) => r._value < "😀")
    want = array.from(rows: [{_value: "！"}, {_value: "a"}])

    testing.diff(got: got, want: want)
    testing.diff(
        got: array.from(rows: [{lt: "！" < "😀", gt: "！" > "😀", le: "😀" <= "！", ge: "😀" >= "！"}]),
        want: array.from(rows: [{lt: true, gt: false, le: false, ge: true}]),
    )
}
