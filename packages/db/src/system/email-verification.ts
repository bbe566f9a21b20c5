export { emailVerificationState as state } from '../system-links';
