package universe_test


import "csv"
import "testing"

mdata =
    "#datatype,string,long,dateTime:RFC3339,long,string,string
#group,false,false,false,false,true,false
#default,_result,,,,,
,result,table,_time,_value,host,dc
,,0,2021-01-31T00:00:00Z,1,a,x
,,0,2021-02-15T00:00:00Z,2,a,y
,,0,2021-03-01T00:00:00Z,4,a,x
,,1,2021-02-01T00:00:00Z,10,b,x
"

// Calendar months: windows are whole months, whatever their length.
testcase aggregate_window_months {
    want =
        "#datatype,string,long,string,long,dateTime:RFC3339
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,_value,_time
,,0,a,1,2021-02-01T00:00:00Z
,,0,a,2,2021-03-01T00:00:00Z
,,0,a,4,2021-04-01T00:00:00Z
,,1,b,10,2021-03-01T00:00:00Z
"

    testing.diff(got: csv.from(csv: mdata) |> aggregateWindow(every: 1mo, fn: sum, createEmpty: false), want: csv.from(csv: want))
}

// A location shifts day windows to local midnight (UTC+1 in winter for Europe/Paris).
testcase aggregate_window_location {
    want =
        "#datatype,string,long,string,long,dateTime:RFC3339
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,_value,_time
,,0,a,1,2021-01-31T23:00:00Z
,,0,a,1,2021-02-15T23:00:00Z
,,0,a,1,2021-03-01T23:00:00Z
,,1,b,1,2021-02-01T23:00:00Z
"
    got =
        csv.from(csv: mdata)
            |> aggregateWindow(every: 1d, fn: count, createEmpty: false, location: {zone: "Europe/Paris", offset: 0h})

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase difference_int_columns {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string
#group,false,false,false,false,true,false
#default,_result,,,,,
,result,table,_time,_value,host,dc
,,0,2021-02-15T00:00:00Z,1,a,y
,,0,2021-03-01T00:00:00Z,2,a,x

#datatype,string,long,dateTime:RFC3339,long,string,string
#group,false,false,false,false,true,false
#default,_result,1,,,b,
,result,table,_time,_value,host,dc
"

    testing.diff(got: csv.from(csv: mdata) |> difference(columns: ["_value"]), want: csv.from(csv: want))
}

// A predicate the compiler does not take (a captured function) runs through the interpreter.
testcase state_count_interpreter_path {
    isOdd = (v) => v % 2 == 1
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,long
#group,false,false,false,false,true,false,false
#default,_result,,,,,,
,result,table,_time,_value,host,dc,odd
,,0,2021-01-31T00:00:00Z,1,a,x,1
,,0,2021-02-15T00:00:00Z,2,a,y,-1
,,0,2021-03-01T00:00:00Z,4,a,x,-1
,,1,2021-02-01T00:00:00Z,10,b,x,-1
"

    testing.diff(got: csv.from(csv: mdata) |> stateCount(fn: (r) => isOdd(v: r._value), column: "odd"), want: csv.from(csv: want))
}

testcase key_values_fn_and_fill_missing_column {
    want =
        "#datatype,string,long,string,string,string
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,_key,_value
,,0,a,dc,x
,,0,a,dc,y
,,1,b,dc,x
"
    got =
        csv.from(csv: mdata)
            |> fill(column: "nope", value: 1)
            |> keyValues(fn: (schema) => ["dc"])

    testing.diff(got: got, want: csv.from(csv: want))
}

// Two columnKey columns join their values with "_" and leave the group key; rowKey rows
// are sorted.
testcase pivot_two_column_keys {
    want =
        "#datatype,string,long,long,long,long
#group,false,false,false,false,false
#default,_result,,,,
,result,table,_value,x_a,y_a
,,0,1,1,
,,0,2,,2
,,0,4,4,
"
    got =
        csv.from(csv: mdata)
            |> filter(fn: (r) => r.host == "a")
            |> pivot(rowKey: ["_value"], columnKey: ["dc", "host"], valueColumn: "_value")

    testing.diff(got: got, want: csv.from(csv: want))
}

// Without `on`, join uses the group-key columns both sides share.
testcase join_default_on {
    right =
        "#datatype,string,long,string,string
#group,false,false,true,false
#default,_result,,,
,result,table,host,owner
,,0,a,ann
,,1,b,bob
"
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,false,true,false
#default,_result,,,,,,
,result,table,_time,_value,dc,host,owner
,,0,2021-01-31T00:00:00Z,1,x,a,ann
,,0,2021-02-15T00:00:00Z,2,y,a,ann
,,0,2021-03-01T00:00:00Z,4,x,a,ann
,,1,2021-02-01T00:00:00Z,10,x,b,bob
"

    testing.diff(got: join(tables: {m: csv.from(csv: mdata), o: csv.from(csv: right)}), want: csv.from(csv: want))
}

// A counter with a reset to a lower value (12 -> 3): the increase counts 3 after the reset.
testcase increase_counter_reset {
    counter =
        "#datatype,string,long,dateTime:RFC3339,long
#group,false,false,false,false
#default,_result,,,
,result,table,_time,_value
,,0,2021-01-01T00:00:00Z,5
,,0,2021-01-01T00:01:00Z,6
,,0,2021-01-01T00:02:00Z,12
,,0,2021-01-01T00:03:00Z,3
,,0,2021-01-01T00:04:00Z,7
"
    want =
        "#datatype,string,long,dateTime:RFC3339,long
#group,false,false,false,false
#default,_result,,,
,result,table,_time,_value
,,0,2021-01-01T00:01:00Z,1
,,0,2021-01-01T00:02:00Z,7
,,0,2021-01-01T00:03:00Z,10
,,0,2021-01-01T00:04:00Z,14
"

    testing.diff(got: csv.from(csv: counter) |> increase(), want: csv.from(csv: want))
}

// derivative with nonNegative and initialZero measures a reset from 0: 3 over 60 s.
testcase derivative_counter_reset {
    counter =
        "#datatype,string,long,dateTime:RFC3339,long
#group,false,false,false,false
#default,_result,,,
,result,table,_time,_value
,,0,2021-01-01T00:00:00Z,6
,,0,2021-01-01T00:01:00Z,12
,,0,2021-01-01T00:02:00Z,3
"
    want =
        "#datatype,string,long,dateTime:RFC3339,double
#group,false,false,false,false
#default,_result,,,
,result,table,_time,_value
,,0,2021-01-01T00:01:00Z,0.1
,,0,2021-01-01T00:02:00Z,0.05
"

    testing.diff(got: csv.from(csv: counter) |> derivative(nonNegative: true, initialZero: true), want: csv.from(csv: want))
}
