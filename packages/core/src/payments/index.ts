export {
  type CheckoutOutcome,
  checkoutReturn,
  type PayOption,
  type PayOptions,
  payOptions,
  startCheckout,
} from './checkout';
export { GATEWAY_NAMES, gatewayPageOrigins } from './gateways';
export type { NoticeResult } from './notices';
export { refundOnline, refundOnlineInput } from './refunds';
export {
  connectStripe,
  disconnectGateway,
  flaggedEvents,
  type GatewayEventView,
  type GatewayView,
  invoiceGatewayEvents,
  type PaymentSettings,
  paymentSettings,
  refreshStripeConnect,
  savePayPal,
  saveStripeKeys,
  saveTwoCheckout,
  setGatewayOffered,
  setPartialPayments,
  testGateway,
} from './settings';
export {
  receiveEndpointNotification,
  receiveStripeConnectNotification,
  type WebhookAnswer,
} from './webhooks';
