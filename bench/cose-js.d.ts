/** The part of the untyped npm `cose-js` 0.9 API the benchmark uses (see its lib/sign.js). */
declare module 'cose-js' {
  interface CoseJsHeaders {
    /** Protected header parameters by name, e.g. `{ alg: 'ES256', kid: '11' }` (kid as a UTF-8 string). */
    p?: Record<string, string>;
    u?: Record<string, string>;
  }
  interface CoseJsSign {
    create(headers: CoseJsHeaders, payload: Uint8Array, signer: { key: { d: Uint8Array } }): Promise<Uint8Array>;
    /** Resolves to the payload; rejects on a bad signature. */
    verify(message: Uint8Array, verifier: { key: { x: Uint8Array; y: Uint8Array } }): Promise<Uint8Array>;
  }
  const cose: { sign: CoseJsSign };
  export default cose;
}
