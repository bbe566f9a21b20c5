// The test accounts the browser tests' local gateway fakes know (serve.mjs registers them, the
// payment specs type them into Settings → Payments). Made-up values: nothing here reaches a real
// gateway.
export const PAYPAL_ACCOUNT = {
  clientId: 'e2e-paypal-client-id',
  clientSecret: 'e2e-paypal-client-secret',
  webhookId: 'WH-E2E-0001',
};

export const TWOCHECKOUT_ACCOUNT = {
  merchantCode: 'E2EMERCHANT',
  secretKey: 'e2e-2checkout-secret-key',
  buyLinkSecret: 'e2e-2checkout-buy-link-word',
};
