// Checks before running (names, arguments, returns) and builtin signatures.
export { checkFile, statementKind } from './check.js';
export type { CheckEnv, PackageInfo, PredefinedInfo, RecordShape, StaticType } from './check.js';
export { signatureOfType, signatureOfFunction, formatMonoType, formatTypeExpression } from './signature.js';
export type { FunctionSig, ParamSig } from './signature.js';
