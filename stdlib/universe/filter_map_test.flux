package universe_test


import "csv"
import "strings"
import "testing"

// Two series (hosts a and b, one with a null value) and an empty table (host c).
inData =
    "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,true
#default,_result,,,,,,,
,result,table,_start,_stop,_time,_value,_field,host
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:00:00Z,1,usage,a
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:01:00Z,5,usage,a
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:02:00Z,,usage,a
,,1,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:00:30Z,0.5,usage,b
,,1,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:03:30Z,7,usage,b

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,true
#default,_result,2,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,,,usage,c
,result,table,_start,_stop,_time,_value,_field,host
"

testcase filter_drops_rows_and_empty_tables {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,true
#default,_result,,,,,,,
,result,table,_start,_stop,_time,_value,_field,host
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:01:00Z,5,usage,a
,,1,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:03:30Z,7,usage,b
"
    got = csv.from(csv: inData) |> filter(fn: (r) => r._value > 2.0)

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase filter_on_empty_keep {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,true
#default,_result,,,,,,,
,result,table,_start,_stop,_time,_value,_field,host
,,1,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:03:30Z,7,usage,b

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,true
#default,_result,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,,,usage,a
,result,table,_start,_stop,_time,_value,_field,host

#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,true
#default,_result,2,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,,,usage,c
,result,table,_start,_stop,_time,_value,_field,host
"
    got = csv.from(csv: inData) |> filter(fn: (r) => r._value > 6.0, onEmpty: "keep")

    testing.diff(got: got, want: csv.from(csv: want))
}

// Predicates the compiler does not handle (a user function call) take the interpreter path.
testcase filter_slow_path_and_nulls {
    big = (v) => v >= 5.0
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,true
#default,_result,,,,,,,
,result,table,_start,_stop,_time,_value,_field,host
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:01:00Z,5,usage,a
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:02:00Z,,usage,a
,,1,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:03:30Z,7,usage,b
"
    got = csv.from(csv: inData) |> filter(fn: (r) => big(v: r._value) or not exists r._value)

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase filter_regexp_and_logic {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,true
#default,_result,,,,,,,
,result,table,_start,_stop,_time,_value,_field,host
,,1,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:00:30Z,0.5,usage,b
"
    got = csv.from(csv: inData) |> filter(fn: (r) => r.host =~ /^[bc]$/ and r._value < 1.0)

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase filter_non_bool_is_error {
    testing.shouldError(
        fn: () => csv.from(csv: inData) |> filter(fn: (r) => r._value),
        want: /bool/,
    )
}

testcase map_with_keeps_key {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string
#group,false,false,true,true,false,false,true,true,false
#default,_result,,,,,,,,
,result,table,_start,_stop,_time,_value,_field,host,label
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:00:00Z,2,usage,a,a-usage
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:01:00Z,10,usage,a,a-usage
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:02:00Z,,usage,a,a-usage
,,1,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:00:30Z,1,usage,b,b-usage
,,1,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:03:30Z,14,usage,b,b-usage
"
    // Host c's table has no rows: map gives no table for it, as Flux's map does.
    got =
        csv.from(csv: inData)
            |> map(fn: (r) => ({r with _value: r._value * 2.0, label: r.host + "-" + r._field}))

    testing.diff(got: got, want: csv.from(csv: want))
}

// A new record without the key columns leaves them out of the group key; rows whose key
// values become equal end up in one table.
testcase map_new_record_regroups {
    want =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,kind,v
,,0,low,1
,,0,low,0.5
,,1,high,5
,,1,high,7
"
    got =
        csv.from(csv: inData)
            |> filter(fn: (r) => exists r._value)
            |> map(fn: (r) => ({kind: if r._value > 2.0 then "high" else "low", v: r._value}))
            |> group(columns: ["kind"])

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase map_changes_key_value {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,true
#default,_result,,,,,,,
,result,table,_start,_stop,_time,_value,_field,host
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:00:00Z,1,usage,all
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:01:00Z,5,usage,all
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:02:00Z,,usage,all
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:00:30Z,0.5,usage,all
,,0,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:03:30Z,7,usage,all
"
    got =
        csv.from(csv: inData)
            |> filter(fn: (r) => r.host != "c")
            |> map(fn: (r) => ({r with host: "all"}))

    testing.diff(got: got, want: csv.from(csv: want))
}

// A block body and a helper function: the interpreter path.
testcase map_slow_path {
    scale = (x) => x * 10.0
    want =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,10
,,0,a,50
,,0,a,
,,1,b,5
,,1,b,70
"
    got =
        csv.from(csv: inData)
            |> filter(fn: (r) => r.host != "c", onEmpty: "keep")
            |> map(
                fn: (r) => {
                    v = scale(x: r._value)

                    return {host: r.host, _value: v}
                },
            )

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase map_conversions {
    want =
        "#datatype,string,long,string,long,string
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,i,s
,,0,a,1,1
,,0,a,5,5
,,1,b,0,0.5
,,1,b,7,7
"
    got =
        csv.from(csv: inData)
            |> filter(fn: (r) => exists r._value)
            |> map(fn: (r) => ({host: r.host, i: int(v: r._value), s: string(v: r._value)}))

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase filter_strings_predicate {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string
#group,false,false,true,true,false,false,true,true
#default,_result,,,,,,,
,result,table,_start,_stop,_time,_value,_field,host
,,1,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:00:30Z,0.5,usage,b
,,1,2021-01-01T00:00:00Z,2021-01-01T00:05:00Z,2021-01-01T00:03:30Z,7,usage,b
"
    got = csv.from(csv: inData) |> filter(fn: (r) => strings.hasPrefix(v: r.host, prefix: "b") and strings.hasSuffix(v: r._field, suffix: "age"))

    testing.diff(got: got, want: csv.from(csv: want))
}

// A computed column that is null in every row has the type of its expression (Flux takes
// column types from the function's return type), on the compiled path and on the
// interpreted one (display() is not compiled); a value of no type (r.nope) is no column.
testcase map_all_null_column_types {
    want =
        "#datatype,string,long,string,double,double,long,string
#group,false,false,true,false,false,false,false
#default,_result,,,,,,
,result,table,host,_value,x,i,s
,,0,a,1,,,
,,0,a,5,,,
,,1,b,0.5,,,
,,1,b,7,,,
"
    compiled =
        csv.from(csv: inData)
            |> filter(fn: (r) => exists r._value)
            |> map(
                fn: (r) =>
                    ({
                        host: r.host,
                        _value: r._value,
                        x: if r._value > 1000.0 then 1.0 else r.nope,
                        i: int(v: r.nope),
                        s: if r._value > 1000.0 then "big" else r.nope,
                        n: r.nope,
                    }),
            )
    interpreted =
        csv.from(csv: inData)
            |> filter(fn: (r) => exists r._value)
            |> map(
                fn: (r) =>
                    ({
                        host: r.host,
                        _value: r._value,
                        x: if r._value > 1000.0 then 1.0 else r.nope,
                        i: int(v: r.nope),
                        s: if r._value > 1000.0 then "big" else r.nope,
                        n: r.nope,
                        d: display(v: r._value),
                    }),
            )
            |> drop(columns: ["d"])

    testing.diff(got: compiled, want: csv.from(csv: want)) |> yield(name: "compiled")
    testing.diff(got: interpreted, want: csv.from(csv: want)) |> yield(name: "interpreted")
}

// Tables keyed [host, _field] lose _field and join the table keyed [host] of the same
// host: one table per key, whichever path map takes.
testcase map_dropped_key_column_joins_other_table {
    more =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,9
"
    want =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,1
,,0,a,5
,,0,a,
,,0,a,9
,,1,b,0.5
,,1,b,7
"
    // filter() leaves out the empty table of host c (the interpreted path drops a table
    // without rows, the compiled one keeps it).
    data =
        union(
            tables: [
                csv.from(csv: inData) |> filter(fn: (r) => true) |> keep(columns: ["host", "_field", "_value"]),
                csv.from(csv: more),
            ],
        )

    testing.diff(got: data |> map(fn: (r) => ({host: r.host, _value: r._value})), want: csv.from(csv: want))
        |> yield(name: "compiled")
    testing.diff(
        got: data |> map(fn: (r) => ({host: r.host, _value: r._value, d: display(v: 1)})) |> drop(columns: ["d"]),
        want: csv.from(csv: want),
    )
        |> yield(name: "interpreted")
}
