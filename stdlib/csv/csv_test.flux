package csv_test


import "csv"
import "array"
import "testing"

// The same two tables written three ways: canonical annotated CSV, a form relying on
// #default values, LF line endings and the RFC3339Nano datatype, and array.from rows.
canonical =
    "#datatype,string,long,dateTime:RFC3339,double,string
#group,false,false,false,false,true
#default,_result,,,,
,result,table,_time,_value,host
,,0,2030-01-01T00:00:00Z,1.5,a
,,0,2030-01-01T00:00:10.5Z,2,a
,,1,2030-01-01T00:00:00Z,-3,b
"

withDefaults =
    "#datatype,string,long,dateTime:RFC3339Nano,double,string
#group,false,false,false,false,true
#default,_result,,2030-01-01T00:00:00Z,,a
,result,table,_time,_value,host
,,0,,1.5,
,,0,2030-01-01T00:00:10.500000000Z,2.0,
,,1,,-3e0,b
"

testcase from_csv_defaults_and_formats {
    got = csv.from(csv: withDefaults)
    want = csv.from(csv: canonical)

    testing.diff(got: got, want: want)
}

testcase from_csv_keeps_empty_tables {
    data =
        "#datatype,string,long,string,long
#group,false,false,true,false
#default,_result,0,a,
,result,table,host,n

#datatype,string,long,string,long
#group,false,false,true,false
#default,_result,,,
,result,table,host,n
,,1,b,7
"
    want =
        "#datatype,string,long,string,long
#group,false,false,true,false
#default,_result,1,a,
,result,table,host,n

#datatype,string,long,string,long
#group,false,false,true,false
#default,_result,,,
,result,table,host,n
,,0,b,7
"

    testing.diff(got: csv.from(csv: data), want: csv.from(csv: want))
}

testcase from_csv_nulls {
    data =
        "#datatype,string,long,long,double,boolean,string
#group,false,false,false,false,false,false
#default,_result,,,,,
,result,table,i,f,b,s
,,0,,1,true,x
,,0,2,,,
"
    nullRow =
        "#datatype,string,long,long,double,boolean,string
#group,false,false,false,false,false,false
#default,_result,,,,,
,result,table,i,f,b,s
,,0,2,,,
"

    // Empty cells are nulls: not exists finds them.
    testing.diff(got: csv.from(csv: data) |> filter(fn: (r) => not exists r.f and not exists r.b and not exists r.s), want: csv.from(csv: nullRow))
}

testcase from_csv_null_is_not_zero {
    withNull =
        "#datatype,string,long,long
#group,false,false,false
#default,_result,,
,result,table,i
,,0,
"
    withZero =
        "#datatype,string,long,long
#group,false,false,false
#default,_result,,
,result,table,i
,,0,0
"

    testing.shouldError(
        fn: () => testing.assertEquals(name: "null", got: csv.from(csv: withNull), want: csv.from(csv: withZero)),
        want: /unequal streams/,
    )
}

testcase from_raw_mode {
    got = csv.from(csv: "name,count\nfoo,1\n\"b,ar\",22\n", mode: "raw")
    want = array.from(rows: [{name: "foo", count: "1"}, {name: "b,ar", count: "22"}])

    testing.diff(got: got, want: want)
}

testcase from_rejects_bad_values {
    bad =
        "#datatype,string,long,double
#group,false,false,false
#default,_result,,
,result,table,v
,,0,not-a-number
"

    testing.shouldError(fn: () => csv.from(csv: bad), want: /invalid float value "not-a-number"/)
}

testcase from_rejects_both_sources {
    testing.shouldError(fn: () => csv.from(csv: "", file: "x.csv"), want: /exactly one of csv and file/)
}
