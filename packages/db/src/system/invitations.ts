export { acceptInvitation as accept, invitationForToken as forToken } from '../system-auth';
export { invitationState as state } from '../system-links';
