export { confirmEmailChange, requestPasswordReset, resetPassword, verifyEmail } from '../system-auth';
