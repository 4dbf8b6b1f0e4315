// The masking of credentials in quoted source lines lives with the error renderer
// (src/errors/redact-source.ts), so that every layer that prints diagnostics can use it.
export { redactSource } from '../errors/redact-source.js';
