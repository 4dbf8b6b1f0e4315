package universe_test


import "csv"
import "testing"

// Host a: values with a null; host e: an empty table.
edata =
    "#datatype,string,long,string,double,string
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,_value,dc
,,0,a,2,x
,,0,a,,y
,,0,a,4,x

#datatype,string,long,string,double,string
#group,false,false,true,false,false
#default,_result,1,e,,
,result,table,host,_value,dc
"

emptyE =
    "
#datatype,string,long,string,double,string
#group,false,false,true,false,false
#default,_result,1,e,,
,result,table,host,_value,dc
"

rowHeader =
    "#datatype,string,long,string,double,string
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,_value,dc
"

testcase min_max_on_empty_tables {
    testing.diff(got: csv.from(csv: edata) |> min(), want: csv.from(csv: rowHeader + ",,0,a,2,x\n" + emptyE))
        |> yield(name: "min")
    testing.diff(got: csv.from(csv: edata) |> max(), want: csv.from(csv: rowHeader + ",,0,a,4,x\n" + emptyE))
}

testcase stddev_and_mode_on_empty_tables {
    wantStddev =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,1.4142135623730951
,,1,e,
"
    wantMode =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,
"

    testing.diff(got: csv.from(csv: edata) |> stddev(), want: csv.from(csv: wantStddev)) |> yield(name: "stddev")
    testing.diff(got: csv.from(csv: edata) |> mode(), want: csv.from(csv: wantMode))
}

testcase duplicate_and_set_on_empty_tables {
    want =
        "#datatype,string,long,string,double,string,string
#group,false,false,true,false,false,false
#default,_result,,,,,
,result,table,host,_value,dc,dc2
,,0,a,2,z,x
,,0,a,,z,y
,,0,a,4,z,x

#datatype,string,long,string,double,string,string
#group,false,false,true,false,false,false
#default,_result,1,e,,,
,result,table,host,_value,dc,dc2
"
    got =
        csv.from(csv: edata)
            |> duplicate(column: "dc", as: "dc2")
            |> set(key: "dc", value: "z")

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase key_values_on_empty_table {
    want =
        "#datatype,string,long,string,string,string
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,_key,_value
,,0,a,dc,x
,,0,a,dc,y

#datatype,string,long,string,string,string
#group,false,false,true,false,false
#default,_result,1,e,,
,result,table,host,_key,_value
"

    testing.diff(got: csv.from(csv: edata) |> keyValues(keyColumns: ["dc"]), want: csv.from(csv: want))
}

// The union of an empty table and a table with the same key is that table.
testcase union_with_empty_table {
    more = rowHeader + ",,0,e,9,q\n"
    want = rowHeader + ",,0,a,2,x\n,,0,a,,y\n,,0,a,4,x\n,,1,e,9,q\n"

    testing.diff(got: union(tables: [csv.from(csv: edata), csv.from(csv: more)]), want: csv.from(csv: want))
}

// map drops a table without rows, as Flux's map does, whether its function is compiled
// (this one) or interpreted (the one calling a function of the script).
testcase map_drops_empty_table {
    want =
        "#datatype,string,long,string,double,string
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,_value,dc
,,0,a,3,x
,,0,a,,y
,,0,a,5,x
"
    inc = (v) => v + 1.0

    testing.diff(got: csv.from(csv: edata) |> map(fn: (r) => ({r with _value: r._value + 1.0})), want: csv.from(csv: want))
    testing.diff(got: csv.from(csv: edata) |> map(fn: (r) => ({r with _value: inc(v: r._value)})), want: csv.from(csv: want))
}

// aggregateWindow is window |> fn |> duplicate |> window(every: inf); window() with
// createEmpty: false emits no table for a table without rows, so fn sees none: a native
// aggregate and a closure over it both give no table.
bdata =
    "#datatype,string,long,string,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double
#group,false,false,true,true,true,false,false
#default,_result,,,,,,
,result,table,host,_start,_stop,_time,_value
,,0,a,2021-01-01T00:00:00Z,2021-01-01T00:02:00Z,2021-01-01T00:00:10Z,2

#datatype,string,long,string,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double
#group,false,false,true,true,true,false,false
#default,_result,1,e,2021-01-01T00:00:00Z,2021-01-01T00:02:00Z,,
,result,table,host,_start,_stop,_time,_value
"

testcase aggregate_window_empty_table_no_window {
    want =
        "#datatype,string,long,string,dateTime:RFC3339,dateTime:RFC3339,double,dateTime:RFC3339
#group,false,false,true,true,true,false,false
#default,_result,,,,,,
,result,table,host,_start,_stop,_value,_time
,,0,a,2021-01-01T00:00:00Z,2021-01-01T00:02:00Z,2,2021-01-01T00:01:00Z
"

    testing.diff(
        got: csv.from(csv: bdata) |> aggregateWindow(every: 1m, fn: mean, createEmpty: false),
        want: csv.from(csv: want),
    )
        |> yield(name: "native")
    testing.diff(
        got:
            csv.from(csv: bdata)
                |> aggregateWindow(
                    every: 1m,
                    fn: (column, tables=<-) => tables |> mean(column: column),
                    createEmpty: false,
                ),
        want: csv.from(csv: want),
    )
        |> yield(name: "closure")
}
