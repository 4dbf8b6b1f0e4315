package universe_test


import "csv"
import "testing"

// Two tables of ints (host a, host b), one empty table (host c), with a column that
// reduce drops.
rdata =
    "#datatype,string,long,dateTime:RFC3339,long,string,string
#group,false,false,false,false,false,true
#default,_result,,,,,
,result,table,_time,_value,note,host
,,0,2021-01-01T00:00:00Z,3,x,a
,,0,2021-01-01T00:00:10Z,-1,y,a
,,0,2021-01-01T00:00:20Z,5,z,a
,,1,2021-01-01T00:00:00Z,7,x,b

#datatype,string,long,dateTime:RFC3339,long,string,string
#group,false,false,false,false,false,true
#default,_result,2,,,,c
,result,table,_time,_value,note,host
"

// One row per table: the key columns, then the accumulator's fields sorted by name; an
// empty table gives the identity.
testcase reduce_sum_and_count {
    want =
        "#datatype,string,long,string,long,long
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,count,total
,,0,a,3,7
,,1,b,1,7
,,2,c,0,0
"
    got =
        csv.from(csv: rdata)
            |> reduce(
                fn: (r, accumulator) => ({total: accumulator.total + r._value, count: accumulator.count + 1}),
                identity: {total: 0, count: 0},
            )

    testing.diff(got: got, want: csv.from(csv: want))
}

// The accumulator sees the rows in order; the identity's types are the output's types.
testcase reduce_running_state {
    want =
        "#datatype,string,long,string,double,string
#group,false,false,true,false,false
#default,_result,,,,
,result,table,host,max,notes
,,0,a,5,xyz
,,1,b,7,x
"
    got =
        csv.from(csv: rdata)
            |> filter(fn: (r) => r.host != "c")
            |> reduce(
                fn: (r, accumulator) =>
                    ({
                        max: if float(v: r._value) > accumulator.max then float(v: r._value) else accumulator.max,
                        notes: accumulator.notes + r.note,
                    }),
                identity: {max: -1000.0, notes: ""},
            )

    testing.diff(got: got, want: csv.from(csv: want))
}

// A field named like a key column overwrites the key value.
testcase reduce_overwrites_key_column {
    want =
        "#datatype,string,long,string,long
#group,false,false,true,false
#default,_result,,,
,result,table,host,n
,,0,a-3,3
,,1,b-1,1
"
    got =
        csv.from(csv: rdata)
            |> filter(fn: (r) => r.host != "c")
            |> reduce(fn: (r, accumulator) => ({n: accumulator.n + 1, host: r.host + "-" + string(v: accumulator.n + 1)}), identity: {n: 0, host: ""})

    testing.diff(got: got, want: csv.from(csv: want))
}

testcase reduce_same_key_twice_is_error {
    testing.shouldError(
        fn: () =>
            csv.from(csv: rdata)
                |> reduce(fn: (r, accumulator) => ({host: "all"}), identity: {host: ""})
                |> count(column: "host"),
        want: /same group key/,
    )
}

testcase reduce_field_type_is_error {
    testing.shouldError(
        fn: () =>
            csv.from(csv: rdata)
                |> reduce(fn: (r, accumulator) => ({total: float(v: r._value)}), identity: {total: 0})
                |> count(column: "total"),
        want: /"total" is int in identity/,
    )
}
