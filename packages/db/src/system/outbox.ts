export { claimOutbox as claim, settleOutbox as settle, takeEmailQuota as takeQuota } from '../system-email';
