export type { FileMailerOptions, Mailer, OutgoingMail } from './mailer';
export { createFileMailer, toEml } from './mailer';
