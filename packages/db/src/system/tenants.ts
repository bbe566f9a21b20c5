export { tenantFavicon as favicon, tenantForHost as forHost, tenantLogo as logo } from '../system';
export { signUpTenant as signUp, slugAvailable } from '../system-auth';
