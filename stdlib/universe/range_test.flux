package universe_test


import "csv"
import "testing"

option now = () => 2021-01-01T00:05:00Z

raw =
    "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:00Z,1,a
,,0,2021-01-01T00:01:00Z,2,a
,,0,2021-01-01T00:04:59Z,3,a
,,0,,4,a
,,1,2021-01-01T00:00:00Z,10,b
"

testcase range_absolute_bounds {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:01:00Z,2021-01-01T00:05:00Z,2021-01-01T00:01:00Z,2,a
,,0,2021-01-01T00:01:00Z,2021-01-01T00:05:00Z,2021-01-01T00:04:59Z,3,a
"
    got = csv.from(csv: raw) |> range(start: 2021-01-01T00:01:00Z, stop: 2021-01-01T00:05:00Z)

    testing.diff(got: got, want: csv.from(csv: want))
}

// A negative duration is relative to now(); stop defaults to now(); a table left without
// rows (host b) is dropped; the stop bound is exclusive.
testcase range_relative_start {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:01:00Z,2021-01-01T00:05:00Z,2021-01-01T00:01:00Z,2,a
,,0,2021-01-01T00:01:00Z,2021-01-01T00:05:00Z,2021-01-01T00:04:59Z,3,a
"
    got = csv.from(csv: raw) |> range(start: -4m)

    testing.diff(got: got, want: csv.from(csv: want))
}

// Ints are Unix seconds (1609459200 is 2021-01-01T00:00:00Z).
testcase range_int_seconds_and_intersection {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:00:00Z,2021-01-01T00:02:00Z,2021-01-01T00:00:00Z,1,a
,,0,2021-01-01T00:00:00Z,2021-01-01T00:02:00Z,2021-01-01T00:01:00Z,2,a
,,1,2021-01-01T00:00:00Z,2021-01-01T00:02:00Z,2021-01-01T00:00:00Z,10,b
"
    got =
        csv.from(csv: raw)
            |> range(start: 1609459200, stop: 1609459320)
            |> range(start: 2020-01-01T00:00:00Z, stop: 2022-01-01T00:00:00Z)

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase range_missing_time_column {
    noTime =
        "#datatype,string,long,double
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,1
"

    testing.shouldError(fn: () => csv.from(csv: noTime) |> range(start: -1h), want: /missing time column/)
}

// Bounds past the range of times (int64 nanoseconds) are its ends: every row is in range,
// and _start/_stop hold the first and last representable times (they wrapped around before).
testcase range_bounds_past_the_time_range {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,1677-09-21T00:12:43.145224192Z,2262-04-11T23:47:16.854775807Z,2021-01-01T00:00:00Z,1,a
,,0,1677-09-21T00:12:43.145224192Z,2262-04-11T23:47:16.854775807Z,2021-01-01T00:01:00Z,2,a
,,0,1677-09-21T00:12:43.145224192Z,2262-04-11T23:47:16.854775807Z,2021-01-01T00:04:59Z,3,a
,,1,1677-09-21T00:12:43.145224192Z,2262-04-11T23:47:16.854775807Z,2021-01-01T00:00:00Z,10,b
"
    got = csv.from(csv: raw) |> range(start: -1000y, stop: 10000000000)

    testing.diff(got: got, want: csv.from(csv: want))
}
