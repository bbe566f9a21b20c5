export {
  claimDomain as claim,
  domainsDueForCheck as dueForCheck,
  markDomainVerified as markVerified,
  recordDomainCheckFailed as recordCheckFailed,
  removeDomainClaim as removeClaim,
  tenantDomains as ofTenant,
  tlsAllowed,
} from '../system-domains';
