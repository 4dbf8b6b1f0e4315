package array


// Functions on arrays (array.from, which builds a table, is in from.flux).

// map returns the array of fn(x: element) for each element of arr.
builtin map : (<-arr: [A], fn: (x: A) => B) => [B]

// filter returns the elements of arr for which fn(x: element) is true.
builtin filter : (<-arr: [A], fn: (x: A) => bool) => [A]

// concat returns arr followed by the elements of v.
builtin concat : (<-arr: [A], v: [A]) => [A]
