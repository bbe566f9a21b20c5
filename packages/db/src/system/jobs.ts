export { claimScheduledJob as claim, finishScheduledJob as finish } from '../system-email';
