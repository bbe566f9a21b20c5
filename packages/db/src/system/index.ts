// The app_system functions, one namespace per purpose: work that must happen before a tenant or
// person is known, or across tenants. Each wraps one SECURITY DEFINER function whose source is
// packages/db/sql/app_system/<name>.sql. Reached as `system.sessions.forToken(…)` and so on, so
// their names never collide with the verbs of @foyer/core that call them.
export * as accounts from './accounts';
export * as activity from './activity';
export * as digests from './digests';
export * as domains from './domains';
export * as emailVerification from './email-verification';
export * as google from './google';
export * as invitations from './invitations';
export * as invoices from './invoices';
export * as jobs from './jobs';
export * as operators from './operators';
export * as outbox from './outbox';
export * as payments from './payments';
export * as realtime from './realtime';
export * as reviews from './reviews';
export * as search from './search';
export * as sessions from './sessions';
export * as signIn from './sign-in';
export * as storage from './storage';
export * as tenants from './tenants';
export * as throttle from './throttle';
export * as twoFactor from './two-factor';
