package types


// Type tests.

// isType reports whether v has the basic type named by type: "string", "bytes", "int",
// "uint", "float", "bool", "time", "duration" or "regexp".
builtin isType : (v: A, type: string) => bool

// isNumeric reports whether v is an int, uint or float.
isNumeric = (v) => isType(v: v, type: "int") or isType(v: v, type: "uint") or isType(v: v, type: "float")
