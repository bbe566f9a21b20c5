export {
  endOperatorSession as endSession,
  operatorLoginLookup as loginLookup,
  operatorSession as session,
  operatorSignIn as signIn,
  operatorTenants as tenants,
} from '../system-auth';
export {
  operatorEmailLimits as emailLimits,
  operatorEmailLog as emailLog,
  operatorSetEmailLimit as setEmailLimit,
} from '../system-email';
export { operatorSetLimit as setStorageLimit } from './storage';
