export { issueTransferCode } from './issue-transfer-code.js'
export {
  type RedeemOptions,
  type RedeemOutcome,
  redeemTransferCode,
} from './redeem-transfer-code.js'
export { renderSharedSessionLoader } from './render-shared-session-loader.js'
export type { SharedSessionMode, SharedSessionOptions } from './shared-session-options.js'
export { type SharedRequestInfo, SharedSessions } from './shared-sessions.js'
export { TransferCipher, type TransferPayload } from './transfer-cipher.js'
