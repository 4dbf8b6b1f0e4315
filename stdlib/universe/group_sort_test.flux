package universe_test


import "csv"
import "testing"

gdata =
    "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,false,false
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:00:00Z,3,cpu,a,eu
,,0,2021-01-01T00:01:00Z,1,cpu,b,eu
,,0,2021-01-01T00:02:00Z,,cpu,c,us
,,1,2021-01-01T00:00:00Z,7,mem,a,eu
,,1,2021-01-01T00:01:00Z,2,mem,b,us

#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,false,false
#default,_result,2,,,disk,,
,result,table,_time,_value,_field,host,region
"

testcase group_by_columns {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,false,false,true
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:00:00Z,3,cpu,a,eu
,,0,2021-01-01T00:01:00Z,1,cpu,b,eu
,,0,2021-01-01T00:00:00Z,7,mem,a,eu
,,1,2021-01-01T00:02:00Z,,cpu,c,us
,,1,2021-01-01T00:01:00Z,2,mem,b,us
"
    got = csv.from(csv: gdata) |> group(columns: ["region"])

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase group_except {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,true,true
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:00:00Z,3,cpu,a,eu
,,1,2021-01-01T00:01:00Z,1,cpu,b,eu
,,2,2021-01-01T00:02:00Z,,cpu,c,us
,,3,2021-01-01T00:00:00Z,7,mem,a,eu
,,4,2021-01-01T00:01:00Z,2,mem,b,us
"
    got = csv.from(csv: gdata) |> group(columns: ["_time", "_value"], mode: "except")

    testing.diff(got: got, want: csv.from(csv: want))
}

// group() ungroups: every row in one table with an empty key.
testcase group_none {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,false,false,false
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:00:00Z,3,cpu,a,eu
,,0,2021-01-01T00:01:00Z,1,cpu,b,eu
,,0,2021-01-01T00:02:00Z,,cpu,c,us
,,0,2021-01-01T00:00:00Z,7,mem,a,eu
,,0,2021-01-01T00:01:00Z,2,mem,b,us
"
    got = csv.from(csv: gdata) |> group()

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase group_bad_mode {
    testing.shouldError(fn: () => csv.from(csv: gdata) |> group(columns: ["host"], mode: "sideways"), want: /mode/)
}

// Ascending: nulls last; stable for equal values.
testcase sort_default_and_multi {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,false,false
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:01:00Z,1,cpu,b,eu
,,0,2021-01-01T00:00:00Z,3,cpu,a,eu
,,0,2021-01-01T00:02:00Z,,cpu,c,us
,,1,2021-01-01T00:01:00Z,2,mem,b,us
,,1,2021-01-01T00:00:00Z,7,mem,a,eu

#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,false,false
#default,_result,2,,,disk,,
,result,table,_time,_value,_field,host,region
"
    got = csv.from(csv: gdata) |> sort()

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase sort_desc_by_strings {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,false,false,false
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:02:00Z,,cpu,c,us
,,0,2021-01-01T00:01:00Z,2,mem,b,us
,,0,2021-01-01T00:00:00Z,7,mem,a,eu
,,0,2021-01-01T00:00:00Z,3,cpu,a,eu
,,0,2021-01-01T00:01:00Z,1,cpu,b,eu
"
    got = csv.from(csv: gdata) |> group() |> sort(columns: ["region", "_value"], desc: true)

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase limit_and_offset {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,false,false
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:01:00Z,1,cpu,b,eu
,,0,2021-01-01T00:02:00Z,,cpu,c,us
,,1,2021-01-01T00:01:00Z,2,mem,b,us

#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,false,false
#default,_result,2,,,disk,,
,result,table,_time,_value,_field,host,region
"
    got = csv.from(csv: gdata) |> limit(n: 2, offset: 1)

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase tail_and_offset {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,false,false
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:00:00Z,3,cpu,a,eu
,,0,2021-01-01T00:01:00Z,1,cpu,b,eu
,,1,2021-01-01T00:00:00Z,7,mem,a,eu

#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,false,false
#default,_result,2,,,disk,,
,result,table,_time,_value,_field,host,region
"
    got = csv.from(csv: gdata) |> tail(n: 2, offset: 1)

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase sample_every_second_row {
    want =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,false,false
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:01:00Z,1,cpu,b,eu
,,1,2021-01-01T00:01:00Z,2,mem,b,us

#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,true,false,false
#default,_result,2,,,disk,,
,result,table,_time,_value,_field,host,region
"
    got = csv.from(csv: gdata) |> sample(n: 2, pos: 1)

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase top_and_bottom {
    wantTop =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,false,false,false
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:02:00Z,,cpu,c,us
,,0,2021-01-01T00:00:00Z,7,mem,a,eu
"
    wantBottom =
        "#datatype,string,long,dateTime:RFC3339,long,string,string,string
#group,false,false,false,false,false,false,false
#default,_result,,,,,,
,result,table,_time,_value,_field,host,region
,,0,2021-01-01T00:01:00Z,1,cpu,b,eu
,,0,2021-01-01T00:01:00Z,2,mem,b,us
"

    testing.diff(got: csv.from(csv: gdata) |> group() |> top(n: 2), want: csv.from(csv: wantTop))
        |> yield(name: "top")
    testing.diff(got: csv.from(csv: gdata) |> group() |> bottom(n: 2), want: csv.from(csv: wantBottom))
}

testcase limit_negative_is_error {
    testing.shouldError(fn: () => csv.from(csv: gdata) |> limit(n: -1), want: /negative/)
}

// An aggregate right after group() reduces the groups in place: groups made of rows of
// several input tables (a, b) and of part of one table (c) give the same results as
// materialized tables would.
testcase group_then_aggregate {
    wantSum =
        "#datatype,string,long,string,long
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,10
,,1,b,3
,,2,c,
"
    wantCount =
        "#datatype,string,long,string,long
#group,false,false,true,false
#default,_result,,,
,result,table,region,_value
,,0,eu,3
,,1,us,1
"

    testing.diff(got: csv.from(csv: gdata) |> group(columns: ["host"]) |> sum(), want: csv.from(csv: wantSum))
        |> yield(name: "sum")
    testing.diff(got: csv.from(csv: gdata) |> group(columns: ["region"]) |> count(), want: csv.from(csv: wantCount))
}

// One table split by group(): the aggregate reduces all groups in one pass.
testcase group_one_table_then_aggregate {
    wantMean =
        "#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,5
,,1,b,1.5
,,2,c,
"
    wantCount =
        "#datatype,string,long,string,long
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,2
,,1,b,2
,,2,c,0
"
    one = () => csv.from(csv: gdata) |> group() |> toFloat()

    testing.diff(got: one() |> group(columns: ["host"]) |> mean(), want: csv.from(csv: wantMean)) |> yield(name: "mean")
    testing.diff(got: one() |> group(columns: ["host"]) |> count(), want: csv.from(csv: wantCount))
}
