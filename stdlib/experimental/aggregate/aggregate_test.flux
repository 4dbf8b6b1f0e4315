package aggregate_test


import "csv"
import "experimental/aggregate"
import "testing"

// Two counters of host a (one with a reset at 00:00:40) and one of host b, over one
// minute.
ratedata =
    "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string
#group,false,false,true,true,false,false,true,true,true
#default,_result,,,,,,,,
,result,table,_start,_stop,_time,_value,_field,host,dev
,,0,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,2022-03-01T10:00:00Z,0,tx,a,eth0
,,0,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,2022-03-01T10:00:15Z,30,tx,a,eth0
,,0,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,2022-03-01T10:00:30Z,60,tx,a,eth0
,,0,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,2022-03-01T10:00:40Z,5,tx,a,eth0
,,0,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,2022-03-01T10:00:50Z,25,tx,a,eth0
,,1,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,2022-03-01T10:00:00Z,100,tx,a,eth1
,,1,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,2022-03-01T10:00:30Z,130,tx,a,eth1
,,1,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,2022-03-01T10:00:50Z,150,tx,a,eth1
,,2,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,2022-03-01T10:00:10Z,0,tx,b,eth0
,,2,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,2022-03-01T10:00:20Z,40,tx,b,eth0
"

// Per window of 30s, the mean rate of each series, summed per host: one table per host
// keyed by range's bounds and the host, the window's stop in _time. Rates are at the later
// row of each pair. eth0 of a: 2/s at 15s, then 2/s at 30s and 50s (the reset at 40s is
// null); eth1 of a: none before 30s, 1/s at 30s and 50s; b: 4/s at 20s. A window without a
// rate is null.
testcase rate_grouped_by_host {
    want =
        "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,string,double,dateTime:RFC3339
#group,false,false,true,true,true,false,false
#default,_result,,,,,,
,result,table,_start,_stop,host,_value,_time
,,0,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,a,2,2022-03-01T10:00:30Z
,,0,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,a,3,2022-03-01T10:01:00Z
,,1,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,b,4,2022-03-01T10:00:30Z
,,1,2022-03-01T10:00:00Z,2022-03-01T10:01:00Z,b,,2022-03-01T10:01:00Z
"

    testing.diff(got: csv.from(csv: ratedata) |> aggregate.rate(every: 30s, groupColumns: ["host"]), want: csv.from(csv: want))
}
