package universe_test


import "csv"
import "testing"

cdata =
    "#datatype,string,long,double,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,1.5,a
,,0,,a
,,1,-2,b
"

testcase to_string_int_float {
    wantString =
        "#datatype,string,long,string,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,1.5,a
,,0,,a
,,1,-2,b
"
    wantInt =
        "#datatype,string,long,long,string
#group,false,false,false,true
#default,_result,,,
,result,table,_value,host
,,0,1,a
,,0,,a
,,1,-2,b
"

    testing.diff(got: csv.from(csv: cdata) |> toString(), want: csv.from(csv: wantString)) |> yield(name: "s")
    testing.diff(got: csv.from(csv: cdata) |> toInt() |> toFloat() |> toInt(), want: csv.from(csv: wantInt))
}

testcase to_bool_uint_time {
    ints =
        "#datatype,string,long,long
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,1
,,0,0
"
    wantBool =
        "#datatype,string,long,boolean
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,true
,,0,false
"
    wantUInt =
        "#datatype,string,long,unsignedLong
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,1
,,0,0
"
    wantTime =
        "#datatype,string,long,dateTime:RFC3339
#group,false,false,false
#default,_result,,
,result,table,_value
,,0,1970-01-01T00:00:00.000000001Z
,,0,1970-01-01T00:00:00Z
"

    testing.diff(got: csv.from(csv: ints) |> toBool(), want: csv.from(csv: wantBool)) |> yield(name: "b")
    testing.diff(got: csv.from(csv: ints) |> toUInt(), want: csv.from(csv: wantUInt)) |> yield(name: "u")
    testing.diff(got: csv.from(csv: ints) |> toTime(), want: csv.from(csv: wantTime))
}
