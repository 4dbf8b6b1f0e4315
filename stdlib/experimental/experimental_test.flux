package experimental_test


import "csv"
import "experimental"
import "testing"

edata =
    "#datatype,string,long,double,string,string
#group,false,false,false,true,false
#default,_result,,,,
,result,table,_value,_field,host
,,0,1,cpu,a
,,0,2,cpu,b
,,0,3,cpu,a
"

testcase group_extend_adds_to_key {
    want =
        "#datatype,string,long,double,string,string
#group,false,false,false,true,true
#default,_result,,,,
,result,table,_value,_field,host
,,0,1,cpu,a
,,0,3,cpu,a
,,1,2,cpu,b
"

    testing.diff(got: csv.from(csv: edata) |> experimental.group(columns: ["host"], mode: "extend"), want: csv.from(csv: want))
}

testcase group_other_mode_is_error {
    testing.shouldError(fn: () => csv.from(csv: edata) |> experimental.group(columns: ["host"], mode: "by"), want: /extend/)
}

// set writes several columns of any type; a key column takes the new value.
testcase set_record {
    want =
        "#datatype,string,long,double,string,string,long,boolean
#group,false,false,false,true,false,false,false
#default,_result,,,,,,
,result,table,_value,_field,host,n,ok
,,0,1,mem,a,7,true
,,0,2,mem,b,7,true
,,0,3,mem,a,7,true
"

    testing.diff(got: csv.from(csv: edata) |> experimental.set(o: {_field: "mem", n: 7, ok: true}), want: csv.from(csv: want))
}
