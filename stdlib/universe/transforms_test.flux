package universe_test


import "csv"
import "testing"
import "timezone"

// A counter-like series with a null and a reset (host a), a single row (host b) and an
// empty table (host c).
tdata =
    "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:00Z,1,a
,,0,2021-01-01T00:00:10Z,3,a
,,0,2021-01-01T00:00:20Z,,a
,,0,2021-01-01T00:00:30Z,2,a
,,0,2021-01-01T00:00:40Z,6,a
,,1,2021-01-01T00:00:05Z,4,b

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

// The first row is dropped; a null value gives null and keeps the previous value.
testcase difference_default {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:10Z,2,a
,,0,2021-01-01T00:00:20Z,,a
,,0,2021-01-01T00:00:30Z,-1,a
,,0,2021-01-01T00:00:40Z,4,a

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,1,,,b
,result,table,_time,_value,host

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> difference(), want: csv.from(csv: want))
}

// nonNegative turns the counter reset into null; keepFirst keeps the first row (null).
testcase difference_non_negative_keep_first {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:00Z,,a
,,0,2021-01-01T00:00:10Z,2,a
,,0,2021-01-01T00:00:20Z,,a
,,0,2021-01-01T00:00:30Z,,a
,,0,2021-01-01T00:00:40Z,4,a
,,1,2021-01-01T00:00:05Z,,b

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> difference(nonNegative: true, keepFirst: true), want: csv.from(csv: want))
}

// The first row is dropped; a counter reset (3 -> 2) counts the new value (2) as the increase.
testcase increase_counts_resets {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:10Z,2,a
,,0,2021-01-01T00:00:20Z,,a
,,0,2021-01-01T00:00:30Z,4,a
,,0,2021-01-01T00:00:40Z,8,a

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,1,,,b
,result,table,_time,_value,host

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> increase(), want: csv.from(csv: want))
}

// Rates against the previous non-null value; a null value gives null.
testcase derivative_per_second {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:10Z,0.2,a
,,0,2021-01-01T00:00:20Z,,a
,,0,2021-01-01T00:00:30Z,-0.05,a
,,0,2021-01-01T00:00:40Z,0.4,a

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,1,,,b
,result,table,_time,_value,host

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> derivative(), want: csv.from(csv: want))
}

testcase derivative_non_negative_per_minute {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:10Z,12,a
,,0,2021-01-01T00:00:20Z,,a
,,0,2021-01-01T00:00:30Z,,a
,,0,2021-01-01T00:00:40Z,24,a

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,1,,,b
,result,table,_time,_value,host

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> derivative(unit: 1m, nonNegative: true), want: csv.from(csv: want))
}

testcase cumulative_sum {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:00Z,1,a
,,0,2021-01-01T00:00:10Z,4,a
,,0,2021-01-01T00:00:20Z,,a
,,0,2021-01-01T00:00:30Z,6,a
,,0,2021-01-01T00:00:40Z,12,a
,,1,2021-01-01T00:00:05Z,4,b

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> cumulativeSum(), want: csv.from(csv: want))
}

// Windows of 2 rows; nulls are skipped; a table shorter than n gives the average of its
// values (Flux docs for movingAverage).
testcase moving_average {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:10Z,2,a
,,0,2021-01-01T00:00:20Z,3,a
,,0,2021-01-01T00:00:30Z,2,a
,,0,2021-01-01T00:00:40Z,4,a
,,1,2021-01-01T00:00:05Z,4,b

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> movingAverage(n: 2), want: csv.from(csv: want))
}

// Seeded with the mean of the first n values; a null keeps the average; a table shorter
// than n gives the mean of its values.
testcase exponential_moving_average {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:10Z,2,a
,,0,2021-01-01T00:00:20Z,2,a
,,0,2021-01-01T00:00:30Z,2,a
,,0,2021-01-01T00:00:40Z,4.666666666666667,a
,,1,2021-01-01T00:00:05Z,4,b

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> exponentialMovingAverage(n: 2), want: csv.from(csv: want))
}

testcase fill_value {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:00Z,1,a
,,0,2021-01-01T00:00:10Z,3,a
,,0,2021-01-01T00:00:20Z,0,a
,,0,2021-01-01T00:00:30Z,2,a
,,0,2021-01-01T00:00:40Z,6,a
,,1,2021-01-01T00:00:05Z,4,b

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> fill(value: 0.0), want: csv.from(csv: want))
}

testcase fill_previous {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:00Z,1,a
,,0,2021-01-01T00:00:10Z,3,a
,,0,2021-01-01T00:00:20Z,3,a
,,0,2021-01-01T00:00:30Z,2,a
,,0,2021-01-01T00:00:40Z,6,a
,,1,2021-01-01T00:00:05Z,4,b

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> fill(usePrevious: true), want: csv.from(csv: want))
}

// A null value does not satisfy the predicate.
testcase state_count {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string,long
#group,false,false,false,false,true,false
#default,_result,,,,,
,result,table,_time,_value,host,stateCount
,,0,2021-01-01T00:00:00Z,1,a,-1
,,0,2021-01-01T00:00:10Z,3,a,1
,,0,2021-01-01T00:00:20Z,,a,-1
,,0,2021-01-01T00:00:30Z,2,a,1
,,0,2021-01-01T00:00:40Z,6,a,2
,,1,2021-01-01T00:00:05Z,4,b,1

#datatype,string,long,dateTime:RFC3339,double,string,long
#group,false,false,false,false,true,false
#default,_result,2,,,c,
,result,table,_time,_value,host,stateCount
"

    testing.diff(got: csv.from(csv: tdata) |> stateCount(fn: (r) => r._value > 1.5), want: csv.from(csv: want))
}

testcase state_duration {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string,long
#group,false,false,false,false,true,false
#default,_result,,,,,
,result,table,_time,_value,host,stateDuration
,,0,2021-01-01T00:00:00Z,1,a,-1
,,0,2021-01-01T00:00:10Z,3,a,0
,,0,2021-01-01T00:00:20Z,,a,-1
,,0,2021-01-01T00:00:30Z,2,a,0
,,0,2021-01-01T00:00:40Z,6,a,10
,,1,2021-01-01T00:00:05Z,4,b,0

#datatype,string,long,dateTime:RFC3339,double,string,long
#group,false,false,false,false,true,false
#default,_result,2,,,c,
,result,table,_time,_value,host,stateDuration
"

    testing.diff(got: csv.from(csv: tdata) |> stateDuration(fn: (r) => r._value > 1.5), want: csv.from(csv: want))
}

testcase elapsed_seconds {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string,long
#group,false,false,false,false,true,false
#default,_result,,,,,
,result,table,_time,_value,host,elapsed
,,0,2021-01-01T00:00:10Z,3,a,10
,,0,2021-01-01T00:00:20Z,,a,10
,,0,2021-01-01T00:00:30Z,2,a,10
,,0,2021-01-01T00:00:40Z,6,a,10

#datatype,string,long,dateTime:RFC3339,double,string,long
#group,false,false,false,false,true,false
#default,_result,1,,,b,
,result,table,_time,_value,host,elapsed

#datatype,string,long,dateTime:RFC3339,double,string,long
#group,false,false,false,false,true,false
#default,_result,2,,,c,
,result,table,_time,_value,host,elapsed
"

    testing.diff(got: csv.from(csv: tdata) |> elapsed(), want: csv.from(csv: want))
}

testcase time_shift {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T01:00:00Z,1,a
,,0,2021-01-01T01:00:10Z,3,a
,,0,2021-01-01T01:00:20Z,,a
,,0,2021-01-01T01:00:30Z,2,a
,,0,2021-01-01T01:00:40Z,6,a
,,1,2021-01-01T01:00:05Z,4,b

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> timeShift(duration: 1h), want: csv.from(csv: want))
}

testcase truncate_time_column {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:00Z,1,a
,,0,2021-01-01T00:00:00Z,3,a
,,0,2021-01-01T00:00:00Z,,a
,,0,2021-01-01T00:00:00Z,2,a
,,0,2021-01-01T00:00:00Z,6,a
,,1,2021-01-01T00:00:00Z,4,b

#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,2,,,c
,result,table,_time,_value,host
"

    testing.diff(got: csv.from(csv: tdata) |> truncateTimeColumn(unit: 1m), want: csv.from(csv: want))
}

testcase fill_type_mismatch_is_error {
    testing.shouldError(fn: () => csv.from(csv: tdata) |> fill(value: "x"), want: /cannot fill/)
}

// Moving averages over tables shorter than n, and after a seed of only nulls.
madata =
    "#datatype,string,long,dateTime:RFC3339,long,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:00Z,,a
,,0,2021-01-01T00:00:10Z,,a
,,0,2021-01-01T00:00:20Z,4,a
,,0,2021-01-01T00:00:30Z,,a
,,0,2021-01-01T00:00:40Z,10,a
,,1,2021-01-01T00:00:00Z,3,b
,,1,2021-01-01T00:00:10Z,6,b
"

// A table with fewer rows than n gives its last row with the average of its values (Flux
// docs for movingAverage: "returns the average of the available values").
testcase moving_average_fewer_rows_than_n {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:40Z,7,a
,,1,2021-01-01T00:00:10Z,4.5,b
"

    testing.diff(got: csv.from(csv: madata) |> movingAverage(n: 6), want: csv.from(csv: want))
}

// After a seed of nulls the first value starts the average; a null row keeps it; a short
// table gives the mean of its values.
testcase exponential_moving_average_null_seed_and_short_table {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:10Z,,a
,,0,2021-01-01T00:00:20Z,4,a
,,0,2021-01-01T00:00:30Z,4,a
,,0,2021-01-01T00:00:40Z,8,a
,,1,2021-01-01T00:00:10Z,4.5,b
"

    a = csv.from(csv: madata) |> filter(fn: (r) => r.host == "a") |> exponentialMovingAverage(n: 2)
    b = csv.from(csv: madata) |> filter(fn: (r) => r.host == "b") |> exponentialMovingAverage(n: 3)

    testing.diff(got: union(tables: [a, b]), want: csv.from(csv: want))
}

hsdata =
    "#datatype,string,long,dateTime:RFC3339,long,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2022-01-01T05:00:00Z,-2,a
,,0,2022-01-01T09:00:10Z,10,a
,,0,2022-01-01T16:00:30Z,17,a
,,0,2022-01-01T17:59:59Z,18,a
,,0,2022-01-01T19:00:40Z,15,a
,,0,,0,a
,,0,2022-01-01T23:30:00Z,99,a
,,1,2022-01-01T12:00:00Z,1,b
"

// Hours are inclusive at both ends (17:59:59 is in 9-17); a row with a null time is dropped.
testcase hour_selection_business_hours {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2022-01-01T09:00:10Z,10,a
,,0,2022-01-01T16:00:30Z,17,a
,,0,2022-01-01T17:59:59Z,18,a
,,1,2022-01-01T12:00:00Z,1,b
"

    testing.diff(got: csv.from(csv: hsdata) |> hourSelection(start: 9, stop: 17), want: csv.from(csv: want))
}

// start > stop wraps around midnight; a table left without rows (host b) is dropped.
testcase hour_selection_overnight {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2022-01-01T05:00:00Z,-2,a
,,0,2022-01-01T23:30:00Z,99,a
"

    testing.diff(got: csv.from(csv: hsdata) |> hourSelection(start: 22, stop: 5), want: csv.from(csv: want))
}

// Hours of the local clock of location: 9-17 in New York (EST, UTC-5) is 14:00Z-22:59Z.
testcase hour_selection_location {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2022-01-01T16:00:30Z,17,a
,,0,2022-01-01T17:59:59Z,18,a
,,0,2022-01-01T19:00:40Z,15,a
"
    got =
        csv.from(csv: hsdata)
            |> hourSelection(start: 9, stop: 17, location: timezone.location(name: "America/New_York"))

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase hour_selection_hour_out_of_range {
    testing.shouldError(fn: () => csv.from(csv: hsdata) |> hourSelection(start: 9, stop: 24), want: /stop must be an hour between 0 and 23/)
}
