package universe_test


import "csv"
import "testing"

// Host a: values over 3 minutes within [00:00, 00:04); host b: one value; host c: empty.
wdata =
    "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:00:00Z,1,a
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:00:30Z,3,a
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:01:10Z,,a
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:02:59Z,10,a
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:03:00Z,5,b

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,2,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,,,c
,result,table,_start,_stop,_time,_value,host
"

testcase aggregate_window_mean_create_empty {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,string,double,dateTime:RFC3339
#group,false,false,true,true,true,false,false
#default,_result,,,,,,
,result,table,_start,_stop,host,_value,_time
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,2,2021-01-01T00:01:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,,2021-01-01T00:02:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,10,2021-01-01T00:03:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,,2021-01-01T00:04:00Z
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,b,,2021-01-01T00:01:00Z
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,b,,2021-01-01T00:02:00Z
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,b,,2021-01-01T00:03:00Z
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,b,5,2021-01-01T00:04:00Z
,,2,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,c,,2021-01-01T00:01:00Z
,,2,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,c,,2021-01-01T00:02:00Z
,,2,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,c,,2021-01-01T00:03:00Z
,,2,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,c,,2021-01-01T00:04:00Z
"

    testing.diff(got: csv.from(csv: wdata) |> aggregateWindow(every: 1m, fn: mean), want: csv.from(csv: want))
}

// Without createEmpty the empty table of host c has no window, so window() emits no table
// for it and aggregateWindow (window |> fn |> ...) none either.
testcase aggregate_window_count_no_empty_time_src {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,string,long,dateTime:RFC3339
#group,false,false,true,true,true,false,false
#default,_result,,,,,,
,result,table,_start,_stop,host,_value,_time
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,2,2021-01-01T00:00:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,1,2021-01-01T00:02:00Z
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,b,1,2021-01-01T00:02:00Z
"
    got =
        csv.from(csv: wdata)
            |> aggregateWindow(every: 2m, fn: count, createEmpty: false, timeSrc: "_start")

    testing.diff(got: got, want: csv.from(csv: want))
}

// A selector keeps whole rows; _time becomes the window stop. With createEmpty (the
// default) an empty window gives a row of key values and nulls, as Flux's _fillEmpty step
// does (Flux's aggregate_empty_window_first test).
testcase aggregate_window_selector {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:02:00Z,3,a
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:04:00Z,10,a
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:02:00Z,,b
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:04:00Z,5,b
,,2,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:02:00Z,,c
,,2,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:04:00Z,,c
"

    testing.diff(got: csv.from(csv: wdata) |> aggregateWindow(every: 2m, fn: max), want: csv.from(csv: want))
}

// A user function goes through real window tables (the general path).
testcase aggregate_window_custom_fn_and_offset {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,string,double,dateTime:RFC3339
#group,false,false,true,true,true,false,false
#default,_result,,,,,,
,result,table,_start,_stop,host,_value,_time
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,2,2021-01-01T00:00:30Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,4,2021-01-01T00:02:30Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,11,2021-01-01T00:04:00Z
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,b,6,2021-01-01T00:04:00Z
"
    got =
        csv.from(csv: wdata)
            |> aggregateWindow(
                every: 2m,
                offset: 30s,
                fn: (tables=<-, column) => tables |> sum(column: column) |> map(fn: (r) => ({r with _value: r._value + 1.0})),
                createEmpty: false,
            )

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase window_tables {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:00:00Z,2021-01-01T00:02:00Z,2021-01-01T00:00:00Z,1,a
,,0,2021-01-01T00:00:00Z,2021-01-01T00:02:00Z,2021-01-01T00:00:30Z,3,a
,,0,2021-01-01T00:00:00Z,2021-01-01T00:02:00Z,2021-01-01T00:01:10Z,,a
,,1,2021-01-01T00:02:00Z,2021-01-01T00:04:00Z,2021-01-01T00:02:59Z,10,a
,,2,2021-01-01T00:02:00Z,2021-01-01T00:04:00Z,2021-01-01T00:03:00Z,5,b
"

    testing.diff(got: csv.from(csv: wdata) |> window(every: 2m), want: csv.from(csv: want))
}

// Overlapping windows (period > every) repeat rows; createEmpty adds the empty windows;
// windows are clipped to _start/_stop (the first one starts before _start).
testcase window_period_and_create_empty {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,,,,,,
,result,table,_start,_stop,_time,_value,host
,,0,2021-01-01T00:02:00Z,2021-01-01T00:04:00Z,2021-01-01T00:03:00Z,5,b
,,1,2021-01-01T00:03:00Z,2021-01-01T00:04:00Z,2021-01-01T00:03:00Z,5,b

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,2,2021-01-01T00:00:00Z,2021-01-01T00:01:00Z,,,b
,result,table,_start,_stop,_time,_value,host

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,3,2021-01-01T00:00:00Z,2021-01-01T00:02:00Z,,,b
,result,table,_start,_stop,_time,_value,host

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string
#group,false,false,true,true,false,false,true
#default,_result,4,2021-01-01T00:01:00Z,2021-01-01T00:03:00Z,,,b
,result,table,_start,_stop,_time,_value,host
"
    got =
        csv.from(csv: wdata)
            |> filter(fn: (r) => r.host == "b")
            |> window(every: 1m, period: 2m, createEmpty: true)

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase window_missing_time_column {
    noTime =
        "#datatype,string,long,double
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,1
"

    testing.shouldError(fn: () => csv.from(csv: noTime) |> window(every: 1m), want: /missing time column/)
}

// Overlapping windows (period 2m, every 1m): a row counts in both windows holding it. The
// empty table of host c gives no table (no window without createEmpty).
testcase aggregate_window_period {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,string,long,dateTime:RFC3339
#group,false,false,true,true,true,false,false
#default,_result,,,,,,
,result,table,_start,_stop,host,_value,_time
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,2,2021-01-01T00:01:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,2,2021-01-01T00:02:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,1,2021-01-01T00:03:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,a,1,2021-01-01T00:04:00Z
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,b,1,2021-01-01T00:04:00Z
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,b,1,2021-01-01T00:04:00Z
"
    got = csv.from(csv: wdata) |> aggregateWindow(every: 1m, period: 2m, fn: count, createEmpty: false)

    testing.diff(got: got, want: csv.from(csv: want))
}

// fn may regroup: here it sums each window over all hosts. The result keeps range's bounds
// in _start/_stop (and in the key), as Flux's final window(every: inf) does; the window's
// stop is in _time.
testcase aggregate_window_fn_regroups {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,double,dateTime:RFC3339
#group,false,false,true,true,false,false
#default,_result,,,,,
,result,table,_start,_stop,_value,_time
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,4,2021-01-01T00:02:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,15,2021-01-01T00:04:00Z
"
    got =
        csv.from(csv: wdata)
            |> aggregateWindow(
                every: 2m,
                fn: (tables=<-, column) => tables |> group(columns: ["_start", "_stop"]) |> sum(column: column),
                createEmpty: false,
            )

    testing.diff(got: got, want: csv.from(csv: want))
}

// The same through the general path (a closure around a selector), and in a non-key
// column: the filled row has nulls outside the key.
testcase aggregate_window_closure_selector_fills_empty_windows {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,false
#default,_result,,,,,,,
,result,table,_start,_stop,_time,_value,host,note
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:02:00Z,1,a,n
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:04:00Z,10,a,n
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:02:00Z,,b,
,,1,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,2021-01-01T00:04:00Z,5,b,n
"
    got =
        csv.from(csv: wdata)
            |> filter(fn: (r) => r.host != "c")
            |> map(fn: (r) => ({r with note: "n"}))
            |> aggregateWindow(every: 2m, fn: (tables=<-, column) => tables |> first(column: column))

    testing.diff(got: got, want: csv.from(csv: want))
}

// After range() |> group() the bounds are columns, not key columns: windows still cover
// range's bounds (empty windows at both ends with createEmpty), and the result has range's
// _start/_stop in its key, as in Flux.
testcase aggregate_window_after_group {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,double,dateTime:RFC3339
#group,false,false,true,true,false,false
#default,_result,,,,,
,result,table,_start,_stop,_value,_time
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,,2021-01-01T00:01:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,,2021-01-01T00:02:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,10,2021-01-01T00:03:00Z
,,0,2021-01-01T00:00:00Z,2021-01-01T00:04:00Z,,2021-01-01T00:04:00Z
"
    got =
        csv.from(csv: wdata)
            |> filter(fn: (r) => r._time >= 2021-01-01T00:01:00Z and r._time < 2021-01-01T00:03:00Z)
            |> group()
            |> aggregateWindow(every: 1m, fn: sum)

    testing.diff(got: got, want: csv.from(csv: want))
}

// Daily windows in a time zone follow local midnights: the day of the spring DST change in
// Paris (2021-03-28) lasts 23 hours, so its window stops at 22:00Z and the next starts
// there; a row at 22:30Z belongs to the next day only, and no two windows overlap.
testcase aggregate_window_local_days_across_dst {
    input =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double
#group,false,false,true,true,false,false
#default,_result,,,,,
,result,table,_start,_stop,_time,_value
,,0,2021-03-27T00:00:00Z,2021-03-30T00:00:00Z,2021-03-28T12:00:00Z,2
,,0,2021-03-27T00:00:00Z,2021-03-30T00:00:00Z,2021-03-28T22:30:00Z,7
"
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,double,dateTime:RFC3339
#group,false,false,true,true,false,false
#default,_result,,,,,
,result,table,_start,_stop,_value,_time
,,0,2021-03-27T00:00:00Z,2021-03-30T00:00:00Z,,2021-03-27T23:00:00Z
,,0,2021-03-27T00:00:00Z,2021-03-30T00:00:00Z,2,2021-03-28T22:00:00Z
,,0,2021-03-27T00:00:00Z,2021-03-30T00:00:00Z,7,2021-03-29T22:00:00Z
,,0,2021-03-27T00:00:00Z,2021-03-30T00:00:00Z,,2021-03-30T00:00:00Z
"
    got =
        csv.from(csv: input)
            |> aggregateWindow(every: 1d, fn: sum, location: {zone: "Europe/Paris", offset: 0h})

    testing.diff(got: got, want: csv.from(csv: want))
}

// The same for 6h windows: on the DST day the window from local 00:00 stops at local 06:00
// (04:00Z), five hours later, where the next one starts.
testcase aggregate_window_local_hours_across_dst {
    input =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double
#group,false,false,true,true,false,false
#default,_result,,,,,
,result,table,_start,_stop,_time,_value
,,0,2021-03-27T23:00:00Z,2021-03-28T10:00:00Z,2021-03-28T03:30:00Z,2
,,0,2021-03-27T23:00:00Z,2021-03-28T10:00:00Z,2021-03-28T04:30:00Z,7
"
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,long,dateTime:RFC3339
#group,false,false,true,true,false,false
#default,_result,,,,,
,result,table,_start,_stop,_value,_time
,,0,2021-03-27T23:00:00Z,2021-03-28T10:00:00Z,1,2021-03-28T04:00:00Z
,,0,2021-03-27T23:00:00Z,2021-03-28T10:00:00Z,1,2021-03-28T10:00:00Z
"
    got =
        csv.from(csv: input)
            |> aggregateWindow(every: 6h, fn: count, location: {zone: "Europe/Paris", offset: 0h})

    testing.diff(got: got, want: csv.from(csv: want))
}
