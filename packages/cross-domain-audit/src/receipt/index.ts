export {
  RECEIPT_LABELS,
  ReceiptIssuer,
  type ReceiptIssuerOptions,
  type ReceiptProof,
  VDS_RFC9162_SHA256,
  type VerifiedReceipt,
  type VerifyReceiptOptions,
  verifyReceipt,
} from './receipt.js';
