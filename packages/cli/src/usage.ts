/** The command's help text, printed for `--help` and after every usage error. */
export const USAGE = `Usage: safety-net <command> [options]
       safety-net --help | --version

Commands:
  keygen --alg <EdDSA|Ed25519|ES256|ES384|ES512> [--kid <text>|--kid thumbprint]
      Prints a new private JWK (JSON) restricted to the algorithm.
  sign --type <message-type> --key <jwk.json> [--format cose|jws] <claims.json>
      Validates the claims and prints the signed message: hex for COSE (default), compact JWS for jws.
  verify --key <jwk.json> [--aad-hex <hex>] [--type <message-type> [--now <epoch-seconds>]] <file>
      Verifies a COSE_Sign1, COSE_Sign (binary or hex) or compact JWS and prints its payload. Without --type:
      the signature only (RFC 9052 / RFC 7515). With --type: the message type's full pipeline at --now.
  inspect <file>
      Shows the message type, headers and claims of a message without verifying anything.
  vectors [dir]
      Runs every conformance vector under dir (default: the vectors published with @safety-net/conformance)
      with both crypto backends; the last line is "N passed, N failed".
  audit verify-note --key <name+hash+key> [--key …] [--origin <log origin>] <file>
      Verifies a C2SP signed note (with --origin: a checkpoint of that log); prints its text and the keys
      that verified.
  audit verify-bundle --policy <witness-policy.json> [--receipt-key <jwk.json>] [--now <epoch-seconds>] <file>
      Verifies a proof bundle offline under your own witness policy; prints each proven entry.
  audit verify-receipt --key <receipt jwk.json> --entry <leaf> --checkpoint <note> [--checkpoint …]
      --policy <witness-policy.json> [--now <epoch-seconds>] <receipt>
      Verifies a COSE Receipt offline against the entry and a checkpoint that meets your witness policy.
  audit verify-sd --key <issuer jwk.json> [--role <role>] [--aud <aud> --nonce <nonce>] [--now <epoch-seconds>] <file>
      Verifies an Execution Audit Token presentation (SD-CWT, binary or hex, or SD-JWT) and prints its disclosed
      claims as JSON; --aud and --nonce require a key binding for that audience and nonce.

A file argument of - reads standard input.

Exit status: 0 success, 1 verification or input failure (stderr: "<ERR_CODE>: <message>"), 2 usage error.`;

/** A mistake in how the command was called: printed with the usage text, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
