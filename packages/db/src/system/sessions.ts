export { redeemHandoff, sessionForToken as forToken } from '../system-auth';
