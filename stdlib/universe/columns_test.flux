package universe_test


import "csv"
import "testing"

data =
    "#datatype,string,long,dateTime:RFC3339,double,string,string,string
#group,false,false,false,false,true,true,false
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:00:00Z,1,usage,a,eu
,,0,2021-01-01T00:01:00Z,,usage,a,eu
,,1,2021-01-01T00:00:00Z,3,usage,b,us

#datatype,string,long,dateTime:RFC3339,double,string,string,string
#group,false,false,false,false,true,true,false
#default,_result,2,,,usage,c,
,result,table,_time,_value,_field,host,region
"

testcase keep_columns {
    want =
        "#datatype,string,long,double,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,1,a
,,0,,a
,,1,3,b

#datatype,string,long,double,string
#group,false,false,false,true
#default,_result,2,,c
,result,table,_value,host
"
    got = csv.from(csv: data) |> keep(columns: ["_value", "host", "nope"])

    testing.diff(got: got, want: csv.from(csv: want))
}

// Dropping the key column host merges the tables of hosts a, b and c (same _field).
testcase drop_key_column_merges_tables {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,_field
,,0,2021-01-01T00:00:00Z,1,usage
,,0,2021-01-01T00:01:00Z,,usage
,,0,2021-01-01T00:00:00Z,3,usage
"
    got = csv.from(csv: data) |> drop(columns: ["host", "region", "missing"])

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase drop_and_keep_with_fn {
    want =
        "#datatype,string,long,double,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,_field
,,0,1,usage
,,0,,usage
,,0,3,usage
"
    got =
        csv.from(csv: data)
            |> drop(fn: (column) => column =~ /^_time|host|region$/)
            |> keep(fn: (column) => column != "nothing")

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase rename_columns_and_key {
    want =
        "#datatype,string,long,dateTime:RFC3339,double,string,string,string
#group,false,false,false,false,true,true,false
#default,_result,,,,,,
,result,table,_time,value,_field,server,region
,,0,2021-01-01T00:00:00Z,1,usage,a,eu
,,0,2021-01-01T00:01:00Z,,usage,a,eu
,,1,2021-01-01T00:00:00Z,3,usage,b,us

#datatype,string,long,dateTime:RFC3339,double,string,string,string
#group,false,false,false,false,true,true,false
#default,_result,2,,,usage,c,
,result,table,_time,value,_field,server,region
"
    got = csv.from(csv: data) |> rename(columns: {_value: "value", host: "server"})

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase rename_fn {
    want =
        "#datatype,string,long,string,string
#group,false,false,true,false
#default,_result,,,
,result,table,HOST,REGION
,,0,a,eu
,,0,a,eu
,,1,b,us
"
    got =
        csv.from(csv: data)
            |> filter(fn: (r) => r.host != "c")
            |> keep(columns: ["host", "region"])
            |> rename(fn: (column) => if column == "host" then "HOST" else "REGION")

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase rename_missing_column_is_error {
    testing.shouldError(fn: () => csv.from(csv: data) |> rename(columns: {nope: "x"}), want: /does not exist/)
}

testcase duplicate_column {
    want =
        "#datatype,string,long,double,string,string
#group,false,false,false,true,false
#default,_result,,,,
,result,table,_value,host,h2
,,0,1,a,a
,,0,,a,a
,,1,3,b,b
"
    got =
        csv.from(csv: data)
            |> filter(fn: (r) => r.host != "c")
            |> keep(columns: ["_value", "host"])
            |> duplicate(column: "host", as: "h2")

    testing.diff(got: got, want: csv.from(csv: want))
}

// set on a key column changes the key: hosts a and b end up in one table.
testcase set_key_column {
    want =
        "#datatype,string,long,double,string,string
#group,false,false,false,true,false
#default,_result,,,,
,result,table,_value,host,note
,,0,1,x,hi
,,0,,x,hi
,,0,3,x,hi
"
    got =
        csv.from(csv: data)
            |> filter(fn: (r) => r.host != "c")
            |> keep(columns: ["_value", "host"])
            |> set(key: "host", value: "x")
            |> set(key: "note", value: "hi")

    testing.diff(got: got, want: csv.from(csv: want))
}
