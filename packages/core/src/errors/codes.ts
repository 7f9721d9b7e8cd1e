/**
 * Every error core can report, defined once. The key is the stable code users and vectors match on; `family`
 * picks the error class (see `classes.ts`); `message` is the default human text. Packages built on core declare
 * their own families with {@link defineErrorFamily}.
 */
export const ERROR_CODES = {
  // Input framing (hex, base64url, sizes) before any format is parsed.
  ERR_INPUT_INVALID: { family: 'input', message: 'input is not in the expected form' },
  ERR_INPUT_TOO_LARGE: { family: 'input', message: 'input exceeds the size limit' },

  // CBOR (RFC 8949) strict decoding and deterministic encoding.
  ERR_CBOR_TRUNCATED: { family: 'cbor', message: 'CBOR input ends before the data item is complete' },
  ERR_CBOR_TRAILING_BYTES: { family: 'cbor', message: 'bytes follow the CBOR data item' },
  ERR_CBOR_INDEFINITE_LENGTH: { family: 'cbor', message: 'indefinite-length CBOR items are not accepted' },
  ERR_CBOR_NON_SHORTEST: { family: 'cbor', message: 'CBOR integer, length or float is not in its shortest form' },
  ERR_CBOR_DUPLICATE_KEY: { family: 'cbor', message: 'CBOR map has a duplicate key' },
  ERR_CBOR_UNSORTED_KEYS: { family: 'cbor', message: 'CBOR map keys are not in deterministic order' },
  ERR_CBOR_INVALID_UTF8: { family: 'cbor', message: 'CBOR text string is not valid UTF-8' },
  ERR_CBOR_TOO_DEEP: { family: 'cbor', message: 'CBOR nesting exceeds the depth limit' },
  ERR_CBOR_TOO_LARGE: { family: 'cbor', message: 'CBOR input exceeds the size limit' },
  ERR_CBOR_TOO_MANY_ITEMS: { family: 'cbor', message: 'CBOR input has more data items than the limit' },
  ERR_CBOR_MALFORMED: { family: 'cbor', message: 'CBOR input is not well-formed' },
  ERR_CBOR_UNSUPPORTED: { family: 'cbor', message: 'value cannot be represented in the CBOR data model used here' },

  // Keys and crypto backends: COSE_Key, JWK, resolution, trust, backend selection.
  ERR_KEY_INVALID: { family: 'key', message: 'key is malformed or not on its curve' },
  ERR_KEY_UNSUPPORTED: { family: 'key', message: 'key type or curve is not supported' },
  ERR_KEY_NOT_FOUND: { family: 'key', message: 'no key is known for this key id' },
  ERR_KEY_UNTRUSTED: { family: 'key', message: 'the key is not trusted for this use' },
  ERR_KEY_PRIVATE_REQUIRED: { family: 'key', message: 'a private key is required' },
  ERR_KEY_ALG_MISMATCH: { family: 'key', message: 'the key cannot be used with this algorithm' },
  ERR_KEY_SET_FETCH_FAILED: { family: 'key', message: 'the remote key set could not be fetched' },
  ERR_KEY_SET_INVALID: { family: 'key', message: 'the fetched key set is not a valid JWK Set or COSE_KeySet' },
  ERR_KEY_SET_UNAVAILABLE: { family: 'key', message: 'no remote key set has been fetched yet' },
  ERR_CRYPTO_BACKEND_UNAVAILABLE: { family: 'key', message: 'the crypto backend is not available on this runtime' },

  // COSE (RFC 9052 / 9053 / 9596) structure and signatures.
  ERR_COSE_MALFORMED: { family: 'cose', message: 'COSE structure is malformed' },
  ERR_COSE_WRONG_TAG: { family: 'cose', message: 'CBOR tag does not match the expected COSE structure' },
  ERR_COSE_HEADER_INVALID: { family: 'cose', message: 'COSE header parameter has an invalid value' },
  ERR_COSE_HEADER_TOO_LARGE: { family: 'cose', message: 'a COSE header bucket or kid exceeds its size limit' },
  ERR_COSE_HEADER_DUPLICATE: {
    family: 'cose',
    message: 'header parameter appears in both protected and unprotected buckets',
  },
  ERR_COSE_ALG_MISSING: { family: 'cose', message: 'no alg header parameter' },
  ERR_COSE_ALG_UNSUPPORTED: { family: 'cose', message: 'alg is not supported' },
  ERR_COSE_ALG_NOT_PROTECTED: { family: 'cose', message: 'alg must be in the protected header' },
  ERR_COSE_CRIT_UNSUPPORTED: { family: 'cose', message: 'a critical header parameter is not understood' },
  ERR_COSE_TYP_MISSING: { family: 'cose', message: 'typ must be in the protected header' },
  ERR_COSE_TYP_MISMATCH: { family: 'cose', message: 'typ does not name the expected message type' },
  ERR_COSE_PAYLOAD_MISSING: { family: 'cose', message: 'payload is detached and none was supplied' },
  ERR_COSE_NO_SIGNATURES: { family: 'cose', message: 'COSE_Sign carries no signatures' },
  ERR_COSE_BAD_SIGNATURE: { family: 'cose', message: 'signature does not verify' },

  // JOSE (RFC 7515 / 7519) compact form.
  ERR_JOSE_MALFORMED: { family: 'jose', message: 'compact JWS is malformed' },
  ERR_JOSE_ALG_UNSUPPORTED: { family: 'jose', message: 'JWS alg is not supported' },
  ERR_JOSE_TYP_MISMATCH: { family: 'jose', message: 'JWS typ does not name the expected message type' },
  ERR_JOSE_BAD_SIGNATURE: { family: 'jose', message: 'JWS signature does not verify' },
  ERR_JOSE_DUPLICATE_MEMBER: { family: 'jose', message: 'a JWS header or claims object names a member twice' },

  // Message claims (schema, time, audience, replay).
  ERR_MESSAGE_TYPE_UNKNOWN: { family: 'claims', message: 'message type is not known' },
  ERR_CLAIMS_INVALID: { family: 'claims', message: 'claims do not match the message type schema' },
  ERR_CLAIMS_EXPIRED: { family: 'claims', message: 'token has expired' },
  ERR_CLAIMS_NOT_YET_VALID: { family: 'claims', message: 'token is not yet valid' },
  ERR_CLAIMS_IAT_FUTURE: { family: 'claims', message: 'token was issued in the future' },
  ERR_CLAIMS_IAT_TOO_OLD: { family: 'claims', message: 'token was issued too long ago' },
  ERR_CLAIMS_AUDIENCE: { family: 'claims', message: 'token is not addressed to this audience' },
  ERR_CLAIMS_ISSUER: { family: 'claims', message: 'token issuer is not the expected one' },
  ERR_CLAIMS_REPLAY: { family: 'claims', message: 'token id has been seen before' },
  ERR_CLAIMS_REPLAY_CACHE_FULL: {
    family: 'claims',
    message: 'the replay cache is full of unexpired ids and cannot record another',
  },

  // ECT wire helpers and DAG validation (ECT draft, in the draft's check order).
  ERR_ECT_HASH_INVALID: { family: 'ect', message: 'inp_hash/out_hash is not a base64url SHA-256 digest' },
  ERR_ECT_HEADER_INVALID: { family: 'ect', message: 'Execution-Context header field is malformed' },
  ERR_ECT_HEADER_MISSING: { family: 'ect', message: 'the request carries no Execution-Context header field' },
  ERR_ECT_DUPLICATE_JTI: { family: 'dag', message: 'task id is already in the DAG' },
  ERR_ECT_TOO_MANY_PREDECESSORS: { family: 'dag', message: 'task names more predecessors than the limit' },
  ERR_ECT_PRED_DUPLICATE: { family: 'dag', message: 'a task names the same predecessor twice' },
  ERR_ECT_PREDECESSOR_MISSING: { family: 'dag', message: 'a predecessor task is not known' },
  ERR_ECT_TEMPORAL_ORDER: { family: 'dag', message: 'a predecessor was issued after its successor' },
  ERR_ECT_CYCLE: { family: 'dag', message: 'the task would close a cycle in the DAG' },
  ERR_ECT_TRAVERSAL_LIMIT: { family: 'dag', message: 'ancestor traversal exceeded its limit' },
  ERR_ECT_WORKFLOW_MISMATCH: { family: 'dag', message: 'a predecessor belongs to another workflow' },
  ERR_ECT_PREDECESSOR_POLICY: { family: 'dag', message: 'a predecessor was not approved by policy' },
  ERR_ECT_NODE_NOT_FOUND: { family: 'dag', message: 'no such task in the DAG' },
  ERR_LEDGER_DUPLICATE: { family: 'dag', message: 'ledger already holds an entry with this task id' },

  // RFC 9162 Merkle trees: proofs asked for outside the tree.
  ERR_MERKLE_INVALID: { family: 'merkle', message: 'Merkle tree index or prefix size is outside the tree' },

  // Shared stores (replay cache, ledger) kept in a database: the database failed, not the input.
  ERR_STORE_FAILED: { family: 'store', message: 'the store could not read or write its state' },
} as const satisfies Record<string, { family: ErrorFamily; message: string }>;

/** Core's error families; each has its own class. */
export type ErrorFamily = 'input' | 'cbor' | 'key' | 'cose' | 'jose' | 'claims' | 'ect' | 'dag' | 'merkle' | 'store';

/** Every stable error code of core. */
export type ErrorCode = keyof typeof ERROR_CODES;
