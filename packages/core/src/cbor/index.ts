export { decodeCbor } from './decode.js';
export { cborDiagnostic } from './diagnostic.js';
export { cborHead, encodeCbor } from './encode.js';
export { cborEquals } from './equals.js';
export { DEFAULT_DECODE_LIMITS, type DecodeOptions } from './options.js';
export { CborFloat, type CborMap, type CborValue, Simple, Tagged } from './types.js';
