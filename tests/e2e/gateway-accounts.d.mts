export declare const PAYPAL_ACCOUNT: { clientId: string; clientSecret: string; webhookId: string };
export declare const TWOCHECKOUT_ACCOUNT: { merchantCode: string; secretKey: string; buyLinkSecret: string };
