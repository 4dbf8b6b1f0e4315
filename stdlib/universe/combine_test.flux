package universe_test


import "csv"
import "testing"

// One table per field (cpu, mem) for host a; cpu for host b; an empty table for disk.
pdata =
    "#datatype,string,long,dateTime:RFC3339,double,string,string
#group,false,false,false,false,true,true
#default,_result,,,,,
,result,table,_time,_value,_field,host
,,0,2021-01-01T00:00:00Z,1,cpu,a
,,0,2021-01-01T00:01:00Z,2,cpu,a
,,1,2021-01-01T00:00:00Z,10,mem,a
,,1,2021-01-01T00:02:00Z,30,mem,a
,,2,2021-01-01T00:01:00Z,5,cpu,b
,,2,2021-01-01T00:01:00Z,5,cpu,b

#datatype,string,long,dateTime:RFC3339,double,string,string
#group,false,false,false,false,true,true
#default,_result,3,,,disk,a
,result,table,_time,_value,_field,host
"

// The _field tables of host a merge into one table, one row per _time, sorted.
testcase pivot_fields_to_columns {
    want =
        "#datatype,string,long,string,dateTime:RFC3339,double,double
#group,false,false,true,false,false,false
#default,_result,,,,,
,result,table,host,_time,cpu,mem
,,0,a,2021-01-01T00:00:00Z,1,10
,,0,a,2021-01-01T00:01:00Z,2,
,,0,a,2021-01-01T00:02:00Z,,30

#datatype,string,long,string,dateTime:RFC3339,double
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,_time,cpu
,,1,b,2021-01-01T00:01:00Z,5
"
    got = csv.from(csv: pdata) |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase distinct_and_unique {
    wantDistinct =
        "#datatype,string,long,string,string,double
#group,false,false,true,true,false
#default,_result,,,,
,result,table,_field,host,_value
,,0,cpu,a,1
,,0,cpu,a,2
,,1,mem,a,10
,,1,mem,a,30
,,2,cpu,b,5

#datatype,string,long,string,string,double
#group,false,false,true,true,false
#default,_result,3,disk,a,
,result,table,_field,host,_value
"
    wantUnique =
        "#datatype,string,long,dateTime:RFC3339,double,string,string
#group,false,false,false,false,true,true
#default,_result,,,,,
,result,table,_time,_value,_field,host
,,0,2021-01-01T00:00:00Z,1,cpu,a
,,0,2021-01-01T00:01:00Z,2,cpu,a
,,1,2021-01-01T00:00:00Z,10,mem,a
,,1,2021-01-01T00:02:00Z,30,mem,a
,,2,2021-01-01T00:01:00Z,5,cpu,b

#datatype,string,long,dateTime:RFC3339,double,string,string
#group,false,false,false,false,true,true
#default,_result,3,,,disk,a
,result,table,_time,_value,_field,host
"

    testing.diff(got: csv.from(csv: pdata) |> distinct(), want: csv.from(csv: wantDistinct)) |> yield(name: "distinct")
    testing.diff(got: csv.from(csv: pdata) |> unique(), want: csv.from(csv: wantUnique))
}

testcase distinct_of_key_column_after_group {
    want =
        "#datatype,string,long,string
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,a
,,0,b
"

    testing.diff(got: csv.from(csv: pdata) |> group() |> distinct(column: "host"), want: csv.from(csv: want))
}

testcase columns_and_keys {
    wantColumns =
        "#datatype,string,long,string
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,_time
,,0,_value
,,0,_field
,,0,host
"
    wantKeys =
        "#datatype,string,long,string,string,string
#group,false,false,true,true,false
#default,_result,,,,
,result,table,_field,host,_value
,,0,cpu,a,_field
,,0,cpu,a,host
,,1,mem,a,_field
,,1,mem,a,host
,,2,cpu,b,_field
,,2,cpu,b,host
,,3,disk,a,_field
,,3,disk,a,host
"

    testing.diff(got: csv.from(csv: pdata) |> group() |> columns(), want: csv.from(csv: wantColumns))
        |> yield(name: "columns")
    testing.diff(got: csv.from(csv: pdata) |> keys(), want: csv.from(csv: wantKeys))
}

testcase key_values {
    want =
        "#datatype,string,long,string,string
#group,false,false,false,false
#default,_result,,,
,result,table,_key,_value
,,0,host,a
,,0,host,b
,,0,_field,cpu
,,0,_field,mem
"

    testing.diff(got: csv.from(csv: pdata) |> group() |> keyValues(keyColumns: ["host", "_field"]), want: csv.from(csv: want))
}

testcase union_merges_equal_keys {
    more =
        "#datatype,string,long,dateTime:RFC3339,double,string,string
#group,false,false,false,false,true,true
#default,_result,,,,,
,result,table,_time,_value,_field,host
,,0,2021-01-01T00:05:00Z,9,cpu,b
,,1,2021-01-01T00:05:00Z,8,cpu,z
"
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string,string
#group,false,false,false,false,true,true
#default,_result,,,,,
,result,table,_time,_value,_field,host
,,0,2021-01-01T00:01:00Z,5,cpu,b
,,0,2021-01-01T00:01:00Z,5,cpu,b
,,0,2021-01-01T00:05:00Z,9,cpu,b
,,1,2021-01-01T00:05:00Z,8,cpu,z
"
    got =
        union(
            tables: [csv.from(csv: pdata) |> filter(fn: (r) => r.host == "b"), csv.from(csv: more)],
        )

    testing.diff(got: got, want: csv.from(csv: want))
}

// Inner join on _time: the other common column (_value) gets a side suffix; the output
// columns are sorted and the group key is the union of both keys.
testcase join_on_time {
    left =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2021-01-01T00:00:00Z,1,a
,,0,2021-01-01T00:01:00Z,2,a
,,0,2021-01-01T00:02:00Z,3,a
"
    right =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,dc
,,0,2021-01-01T00:01:00Z,20,x
,,0,2021-01-01T00:02:00Z,30,x
,,0,2021-01-01T00:03:00Z,40,x
"
    want =
        "#datatype,string,long,dateTime:RFC3339,double,double,string,string
#group,false,false,false,false,false,true,true
#default,_result,,,,,,
,result,table,_time,_value_l,_value_r,dc,host
,,0,2021-01-01T00:01:00Z,2,20,x,a
,,0,2021-01-01T00:02:00Z,3,30,x,a
"
    got = join(tables: {l: csv.from(csv: left), r: csv.from(csv: right)}, on: ["_time"])

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase find_functions {
    cpuA = csv.from(csv: pdata) |> tableFind(fn: (key) => key._field == "cpu" and key.host == "a")
    values = cpuA |> getColumn(column: "_value")
    rec = csv.from(csv: pdata) |> tableFind(fn: (key) => key._field == "mem") |> getRecord(idx: 1)
    found = csv.from(csv: pdata) |> findColumn(fn: (key) => key.host == "b", column: "_value")
    none = csv.from(csv: pdata) |> findColumn(fn: (key) => key.host == "zzz", column: "_value")
    frec = csv.from(csv: pdata) |> findRecord(fn: (key) => key._field == "cpu", idx: 0)
    nrec = csv.from(csv: pdata) |> findRecord(fn: (key) => key._field == "zzz", idx: 0)
    got =
        csv.from(
            csv:
                "#datatype,string,long,double,double,double,long,double,string
#group,false,false,false,false,false,false,false,false
#default,_result,,,,,,,
,result,table,v0,v1,memValue,foundLen,firstCpu,none
,,0,${string(v: values[0])},${string(v: values[1])},${string(v: rec._value)},${string(v: length(arr: found) + length(arr: none))},${string(v: frec._value)},${if exists nrec._value then "x" else "empty"}
",
        )
    want =
        "#datatype,string,long,double,double,double,long,double,string
#group,false,false,false,false,false,false,false,false
#default,_result,,,,,,,
,result,table,v0,v1,memValue,foundLen,firstCpu,none
,,0,1,2,30,2,1,empty
"

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase table_find_not_found_is_error {
    testing.shouldError(
        fn: () => csv.from(csv: pdata) |> tableFind(fn: (key) => key.host == "nobody") |> getColumn(column: "_value"),
        want: /no table found/,
    )
}
