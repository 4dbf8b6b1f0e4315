// The tree-walking evaluator: scopes, closures, calls, operators.
export { Interpreter, durationOfLiteral } from './evaluator.js';
export type { EvalHooks, InterpreterOptions } from './evaluator.js';
export { Closure, isClosure, paramsOf } from './closure.js';
export { Scope } from './scope.js';
export { binaryOp } from './operators.js';
