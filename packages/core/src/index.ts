export { errorFields } from '@foyer/db';
export type { Account, AccountSession, PageChrome, Profile } from './account/account';
export {
  changePassword,
  confirmEmailChange,
  endSessions,
  getAccount,
  getProfile,
  isTimeZone,
  listSessions,
  pageChrome,
  profileInput,
  requestEmailChange,
  setTheme,
  updateName,
  updateProfile,
} from './account/account';
// ---- client activity monitoring (issue #19) ----
export type {
  ActivityFilters,
  ActivityItem,
  ActivityKind,
  ActivityPerson,
  ClientActivity,
  EntryKind,
  SessionItem,
  SessionState,
  TimelineDay,
} from './activity/client-activity';
export {
  ACTIVITY_KINDS,
  ACTIVITY_PAGE_SIZE,
  clientActivity,
  describeDuration,
  exportClientActivity,
  sessionStateLabel,
} from './activity/client-activity';
export { csvCell, csvOf } from './activity/csv';
export type { NudgeCandidate, WaitingItem, WaitingKind } from './activity/nudges';
export { clientsToNudge, NUDGE_TEMPLATE, nudgeClient } from './activity/nudges';
export { purgeOldActivityDetails } from './activity/retention';
export { describeBrowser } from './activity/user-agent';
export type { DeviceCookie, DeviceScope } from './auth/devices';
export { issueDeviceCookie, trustedDevice } from './auth/devices';
// ---- Google sign-in (issue #19) ----
export type { GoogleFlow, GoogleRefusal, OpenedSession, SettledPerson } from './auth/google';
export {
  beginGoogleSignIn,
  completeGoogleCallback,
  finishGoogleSignIn,
  GOOGLE_CALLBACK_PATH,
  GOOGLE_FINISH_PATH,
  GOOGLE_NOTICES,
  GOOGLE_START_PATH,
  googleConfigured,
  googleSignInOffered,
  openPersonSession,
  startGoogleAuthorization,
} from './auth/google';
export { requestPasswordReset, resetPassword } from './auth/reset';
export type { ResolvedSession, SignedInUser } from './auth/sessions';
export {
  actorFor,
  asSession,
  closeSession,
  openSession,
  type PasswordSignIn,
  passwordSignIn,
  redeemHandoff,
  resolveSession,
  signIn,
} from './auth/sessions';
export type { SignUpInput } from './auth/sign-up';
export { checkSlug, SIGN_UP_LIMITS, SIGN_UP_THROTTLED, signUp } from './auth/sign-up';
export type { Limit, SignInLimits } from './auth/throttle';
export {
  CURRENT_PASSWORD_LIMIT,
  purgeThrottle,
  SIGN_IN_LIMITS,
  THROTTLE_RETENTION_SECONDS,
} from './auth/throttle';
// ---- two-factor (issue #19) ----
export type {
  FirstFactorMethod,
  FirstFactorOutcome,
  RememberCookie,
  SecondFactorResult,
  TwoFactorSetup,
  TwoFactorStatus,
} from './auth/two-factor';
export {
  afterFirstFactor,
  beginOperatorTwoFactor,
  beginTwoFactorSetup,
  completeOperatorSecondFactor,
  completeSecondFactor,
  confirmOperatorTwoFactor,
  confirmTwoFactor,
  disableTwoFactor,
  forgetRememberedBrowsers,
  mustSetUpTwoFactor,
  operatorTwoFactorStatus,
  PENDING_SIGN_IN_LIFETIME_MS,
  REMEMBER_BROWSER_LIFETIME_MS,
  regenerateRecoveryCodes,
  SECOND_FACTOR_LIMITS,
  teamTwoFactor,
  twoFactorStatus,
} from './auth/two-factor';
export { RESERVED_SLUGS, slugProblem } from './auth/validation';
export type { VerificationLink } from './auth/verify-email';
export { resendVerification, verificationLink, verifyEmail } from './auth/verify-email';
export type { ColourAdvice, ThemeName } from './branding/colour-advice';
export { brandColourAdvice, TEXT_MINIMUM, THEME_BACKGROUNDS, themesShown } from './branding/colour-advice';
export { AA_NORMAL, contrastRatio, isHexColor, relativeLuminance, textColorOn } from './branding/contrast';
export {
  brandingFromStored,
  faviconPath,
  initialsOf,
  logoPath,
  platformBranding,
  siteFromHostRow,
} from './branding/resolve';
export type { BrandingFields, BrandingSettings, UploadedImage } from './branding/settings';
export {
  BRANDING_ADMINS_ONLY,
  brandingWarnings,
  FAVICON_SIDE,
  getBrandingSettings,
  LOGO_MAX_BYTES,
  LOGO_MAX_PIXELS,
  LOGO_MAX_SIDE,
  removeFavicon,
  removeLogo,
  saveBranding,
  uploadFavicon,
  uploadLogo,
  WELCOME_TEXT_MAX,
} from './branding/settings';
export type { BrandContact, Branding, DocumentBranding, Theme } from './branding/types';
export { THEMES } from './branding/types';
// ---- Clients and their companies (issue #11, the admin side) ----------------------------------
export type {
  AddClientInput,
  ClientDetail,
  ClientPage,
  ClientProject,
  ClientState,
  ClientSummary,
  InvitationDelivery,
} from './clients/clients';
export {
  addClient,
  CLIENT_PAGE_SIZE,
  CLIENT_STATES,
  deactivateClient,
  getClient,
  listClients,
  reactivateClient,
  resendClientInvitation,
  setClientPermissions,
  updateClient,
} from './clients/clients';
export type { CompanyContact, CompanyDetail, CompanySummary } from './clients/companies';
export { getCompany, listCompanies, renameCompany } from './clients/companies';
export type { ClientPermission, PermissionInfo, PermissionPreset } from './clients/permissions';
export {
  CLIENT_PERMISSIONS,
  DEFAULT_CLIENT_PERMISSIONS,
  PERMISSION_INFO,
  PERMISSION_PRESETS,
  permissionSummary,
  permissionsInput,
  presetOf,
} from './clients/permissions';
export type {
  ClientInfo,
  Deps,
  DnsResolver,
  FileStorage,
  MailSetup,
  TenantSite,
  UploadRules,
} from './context';
export * from './conversations/index';
export type { ActivityEntry, Ctx, CtxFields, Person, TxCtx } from './ctx';
export {
  actingAs,
  adminOf,
  afterCommit,
  createCtx,
  onAfterCommitFailure,
  PREVIEW_IS_READ_ONLY,
  personOf,
  record,
  requestTransaction,
  siteOf,
  teamMemberOf,
  tenantIdOf,
  transact,
} from './ctx';
export { systemDnsResolver } from './dns';
export type {
  CustomDomain,
  DnsRecordToCreate,
  DomainCheck,
  DomainStatus,
  ReverificationResult,
} from './domains/domains';
export {
  addDomain,
  DOMAIN_RECHECK_AFTER_MS,
  getDomain,
  normaliseCustomDomain,
  removeDomain,
  reverifyDomains,
  verifyDomain,
} from './domains/domains';
export type { CoreErrorCode } from './errors';
export { CoreError, ERROR_STATUS, httpStatus, problemType, sqlState } from './errors';
export type { FileAudienceClient, FileAudienceReason } from './files/audience';
export { FILE_AUDIENCE_REASONS, fileAudience } from './files/audience';
export { cleanName } from './files/common';
export type {
  FileDetail,
  FileLink,
  FileRow,
  FileSort,
  FilesArea,
  FileVersion,
  FolderRow,
} from './files/files';
export {
  createFolder,
  deleteFiles,
  deleteFolder,
  FILE_SORTS,
  FILES_PAGE_SIZE,
  fileLink,
  getFile,
  listFiles,
  listFolders,
  moveFiles,
  renameFile,
  renameFolder,
  setFilesDefault,
  setFileVisibility,
} from './files/files';
export type { FileGroup, PreviewKind } from './files/kinds';
export { FILE_GROUPS, fileGroup, inlineSafe, previewKind, thumbnailable } from './files/kinds';
export { announceFileShares, portalFilesLink, SHARE_BATCH_SECONDS } from './files/shares';
export type { ProjectStorage, StorageOverview, StorageUsage } from './files/storage';
export { STORAGE_TOP_PROJECTS, storageOverview, storageUsage } from './files/storage';
export type { SweepReport } from './files/sweep';
export { sweepTenantObjects } from './files/sweep';
export { makeThumbnail, type ThumbnailOptions } from './files/thumbnail';
export type { UploadAllowance, UploadPlace } from './files/uploads';
export { describeBytes, registerUpload, uploadAllowance } from './files/uploads';
export type { ZipEntry, ZipSelection } from './files/zip';
export { ZIP_MAX_FILES, ZIP_MAX_IDS, zipSelection, zipSelectionInput } from './files/zip';
export {
  type ZipOptions,
  ZipSizeMismatchError,
  type ZipSource,
  zipLength,
  zipStream,
} from './files/zip-writer';
export * as inputs from './input';
export { parseInput } from './input';
export { invoicePdf } from './invoices/documents';
export {
  clientInvoicesInput,
  draftInput,
  invoiceIdInput,
  lineInput,
  listInvoicesInput,
  paymentInput,
  repeatInput,
  updateDraftInput,
  voidInvoiceInput,
} from './invoices/inputs';
export {
  clientInvoice,
  clientInvoices,
  createInvoice,
  deleteDraft,
  duplicateInvoice,
  getInvoice,
  invoiceFormOptions,
  listInvoices,
  PAYABLE_STATUSES,
  portalInvoiceLink,
  recordPayment,
  sendInvoice,
  sendInvoiceReminder,
  setInvoiceRepeat,
  updateInvoice,
  voidInvoice,
} from './invoices/invoices';
export { runInvoiceRepeats, runInvoiceSchedule } from './invoices/jobs';
export { clientInvoiceSummary, financialOverview, financialOverviewCsv } from './invoices/overview';
export type { InvoiceSettings, TaxRateItem } from './invoices/settings';
export {
  archiveTaxRate,
  archiveTaxRateInput,
  createTaxRate,
  getInvoiceSettings,
  invoiceSettingsInput,
  rateLabel,
  taxRateInput,
  updateInvoiceSettings,
  updateTaxRate,
  updateTaxRateInput,
} from './invoices/settings';
export {
  type ClientInvoiceSummary,
  type FinancialOverview,
  INVOICE_NOT_FOUND,
  INVOICE_STATUS_LABELS,
  INVOICES_PAGE_SIZE,
  type InvoiceDetail,
  type InvoiceFilter,
  type InvoiceFormOptions,
  type InvoiceLineView,
  type InvoicePage,
  type InvoicePaymentView,
  type InvoiceReminderView,
  type InvoiceRow,
  type InvoiceStatus,
  type InvoiceTotalLine,
} from './invoices/types';
export type { EmailSettingsRow } from './mail/delivery';
export {
  deliverEmail,
  emailBrand,
  MAX_ATTEMPTS,
  messageIdFor,
  retryDelayMs,
  retryOrGiveUp,
  SENDING_DOMAIN_LOCAL_PART,
  SMTP_PASSWORD_PURPOSE,
  senderFor,
  sendingDomainAddress,
  smtpFor,
  TransportCache,
} from './mail/delivery';
export type { EmailLogEntry, EmailStatus, TenantEmailLogPage } from './mail/log';
export { EMAIL_LOG_PAGE_SIZE, EMAIL_STATUSES, listTenantEmailLog, retryEmail } from './mail/log';
export type { EmailRecipient, Notice, QueuedEmail } from './mail/outbox';
export { notify, queueEmail } from './mail/outbox';
export {
  ACCOUNT_TEMPLATES,
  UNVERIFIED_SUPPRESSED,
  VERIFY_TO_SEND,
  workspaceSendingStatus,
  workspaceVerified,
} from './mail/policy';
export type {
  SendingDomain,
  SendingDomainRecord,
  SendingDomainState,
  SendingDomainStatus,
} from './mail/sending-domain';
export {
  addSendingDomain,
  checkSendingDomain,
  getSendingDomain,
  normaliseSendingDomain,
  removeSendingDomain,
  SENDING_DOMAIN_NEEDS_RESEND,
} from './mail/sending-domain';
export type {
  DeliveryInput,
  EmailDelivery,
  EmailSettings,
  SmtpSecurity,
  TestSendResult,
} from './mail/settings';
export { getEmailSettings, saveDeliverySettings, saveEmailSettings, sendDeliveryTest } from './mail/settings';
export type {
  EmailTemplateDetail,
  EmailTemplateSummary,
  RenderedPreview,
  TemplateContent,
  TemplateVariable,
} from './mail/templates';
export {
  getEmailTemplate,
  listEmailTemplates,
  previewEmailTemplate,
  resetEmailTemplate,
  saveEmailTemplate,
  sendTemplateTest,
} from './mail/templates';
export type { DigestItem } from './notifications/digest';
export { DIGEST_WAIT_MS, sendDigests } from './notifications/digest';
export type { NotificationAudience, NotificationEvent, NotificationEventInfo } from './notifications/events';
export {
  DEFAULT_SUMMARY,
  defaultDelivery,
  emailEventsFor,
  isNotificationEvent,
  NOTIFICATION_EVENTS,
  notificationEvent,
} from './notifications/events';
export type { InAppNotice } from './notifications/in-app';
export { isSameOriginPath, notifyInApp, notifyTeamJoined } from './notifications/in-app';
export type {
  NotificationItem,
  NotificationPage,
  NotificationPreference,
  SummaryChoice,
} from './notifications/notifications';
export {
  getPreferences,
  getSummaryChoice,
  listNotifications,
  markAllRead,
  markRead,
  saveNotificationChoices,
  savePreferences,
  saveSummaryChoice,
  unreadCount,
} from './notifications/notifications';
export { SUMMARY_HOUR, sendSummaries } from './notifications/summary';
export type { EmailLogPage, MailFile, OperatorEmail } from './operator/email';
export { listEmailLog, listMailFiles, MAIL_FILE_NAME, readMailFile } from './operator/email';
export type { TenantEmailLimit } from './operator/email-limits';
export { listEmailLimits, MAX_EMAIL_DAILY_LIMIT, setEmailLimit } from './operator/email-limits';
export type { OperatorTenant, SignedInOperator } from './operator/operator';
export { listTenants, resolveOperator, signInOperator, signOutOperator } from './operator/operator';
export { GB, MAX_STORAGE_LIMIT_GB, parseStorageGb, setStorageLimit } from './operator/storage-limits';
export * from './payments/index';
export type { AdminDashboard, ChecklistItem, ChecklistKey, DashboardProject } from './portal/dashboard';
export { adminDashboard } from './portal/dashboard';
export type {
  ClientDashboard,
  PortalFeedEntry,
  PortalMilestone,
  PortalNav,
  PortalProject,
  PortalProjectStatus,
  PortalProjectView,
  PortalSections,
  PortalTask,
  PortalTaskKind,
} from './portal/portal';
export { clientDashboard, clientProject, dismissWelcome, PORTAL_FEED_SIZE, portalNav } from './portal/portal';
export type { PreviewTarget } from './portal/preview';
export { PREVIEW_CANDIDATES_LIMIT, previewCandidates, previewTarget, startPreview } from './portal/preview';
export type { AudienceClient, AudienceEntry, ProjectAudience } from './projects/audience';
export { AUDIENCE_REASONS, projectAudience } from './projects/audience';
export type {
  AssignableCompany,
  Assigned,
  CompanyOption,
  CreatedProject,
  ProjectAssignables,
  ProjectClient,
  ProjectDetail,
  ProjectListItem,
  ProjectOverview,
  ProjectPage,
  ProjectStaffMember,
  ProjectStatus,
  ProjectTask,
} from './projects/projects';
export {
  assignClients,
  assignClientsInput,
  assignStaff,
  assignStaffInput,
  createProject,
  createProjectInput,
  getProject,
  listProjects,
  PROJECT_STATUSES,
  PROJECTS_PAGE_SIZE,
  portalProjectPath,
  projectAssignables,
  projectCompanies,
  projectIdInput,
  projectPersonInput,
  unassignClient,
  unassignStaff,
  updateProject,
  updateProjectInput,
} from './projects/projects';
// ---- tasks (tasks-core): the team's tasks, the board, who sees a task, the client's task list ----
export {
  decideReviewInput,
  REVIEW_COMMENT_MAX,
  REVIEW_MAX_FILES,
  REVIEW_MAX_LINKS,
  REVIEW_NOTE_MAX,
  reviewSettingsInput,
  setClientReviewInput,
  submitRoundInput,
  taskReviewInput,
} from './reviews/inputs';
export { remindReviewers } from './reviews/reminders';
export {
  approvalRecord,
  decideReview,
  portalTaskLink,
  REVIEW_NOT_FOUND,
  reviewSettings,
  reviewSubmitForm,
  setClientReview,
  submitRound,
  taskReview,
  updateReviewSettings,
  WAITING_PAGE_SIZE,
  waitingReviews,
} from './reviews/reviews';
export type {
  DeliverableCandidate,
  ReviewCandidate,
  ReviewDecisionItem,
  ReviewDecisionKind,
  ReviewDeliverable,
  ReviewPin,
  ReviewReviewer,
  ReviewRoundItem,
  ReviewRule,
  ReviewSettings,
  ReviewSubmitForm,
  RoundChange,
  RoundState,
  TaskReview,
  TrailCheck,
  WaitingReview,
} from './reviews/types';
export { highlight, snippet } from './search/highlight';
export { SEARCH_CANDIDATES, SEARCH_PAGE_SIZE, SEARCH_QUERY_MAX, search, searchInput } from './search/search';
export type { Highlighted, SearchHit, SearchInput, SearchKind, SearchResult } from './search/types';
// ---- sign-in and privacy settings (issue #19) ----
export type { SecuritySettings } from './security/settings';
export {
  getSecuritySettings,
  SECURITY_DEFAULTS,
  saveSecuritySettings,
  securitySettingsInput,
} from './security/settings';
export type { TenantStatus, TenantSummary } from './site';
export type { TaskAudience, TaskAudienceClient, TaskAudienceReason } from './tasks/audience';
export { TASK_AUDIENCE_REASONS, taskAudience } from './tasks/audience';
export type { BoardColumn, TaskBoard } from './tasks/board';
export { moveTask, moveTaskInput, taskBoard } from './tasks/board';
export type { ClientTask, ClientTaskDetail } from './tasks/client';
export { getClientTask, listClientTasks } from './tasks/client';
// ---- Task comments (the messages of a task's thread) ------------------------------------------
export type { CommentItem, TaskThread } from './tasks/comments';
export {
  COMMENT_MAX_LENGTH,
  commentIdInput,
  commentVisibilityInput,
  deleteComment,
  editComment,
  editCommentInput,
  listComments,
  postComment,
  postCommentInput,
  setCommentVisibility,
  taskCommentsInput,
  taskThread,
} from './tasks/comments';
export type { StatusKind, TaskDetail, TaskPerson, TaskPriority, TaskRow } from './tasks/common';
export {
  KIND_PROGRESS,
  STATUS_KINDS,
  TASK_DESCRIPTION_MAX,
  TASK_PRIORITIES,
  TASK_TITLE_MAX,
  TASKS_PAGE_SIZE,
} from './tasks/common';
// ---- milestones, board columns and work settings (issue #12) ----
export type {
  CreatedMilestone,
  MilestoneRow,
  MilestoneTask,
  ProjectMilestones,
} from './tasks/milestones';
export {
  completeMilestone,
  completeMilestoneInput,
  createMilestone,
  createMilestoneInput,
  deleteMilestone,
  listMilestones,
  MILESTONE_TASKS_LIMIT,
  milestoneIdInput,
  milestoneProjectInput,
  moveMilestone,
  moveMilestoneInput,
  updateMilestone,
  updateMilestoneInput,
} from './tasks/milestones';
export type { BoardStatus } from './tasks/statuses';
export {
  addStatus,
  addStatusInput,
  deleteStatus,
  deleteStatusInput,
  listStatuses,
  moveStatus,
  moveStatusInput,
  renameStatus,
  renameStatusInput,
  STATUS_NAME_MAX,
} from './tasks/statuses';
export type { TaskFilters, TaskFormOptions, TaskPage } from './tasks/tasks';
export {
  archiveTask,
  archiveTaskInput,
  bulkUpdateTasks,
  bulkUpdateTasksInput,
  createTask,
  createTaskInput,
  deleteTask,
  duplicateTask,
  getTask,
  listTasks,
  setTaskVisibility,
  setTaskVisibilityInput,
  taskFiltersInput,
  taskFormOptions,
  taskIdInput,
  taskProjectInput,
  updateTask,
  updateTaskInput,
} from './tasks/tasks';
export type { WorkSettings } from './tasks/work-settings';
export { getWorkSettings, updateWorkSettings, workSettingsInput } from './tasks/work-settings';
export type { InvitationLink, PendingInvitation, TeamMember, TeamRole } from './team/members';
export {
  acceptInvitation,
  changeRole,
  endMemberSessions,
  invitationForToken,
  invitationLink,
  inviteMember,
  listTeam,
  revokeInvitation,
  setMemberActive,
} from './team/members';
export type { ApplyResult, DemoFilesTarget, EnsuredTenant, LogoFile } from './tenants/apply';
export { applyTenant, sniffImage } from './tenants/apply';
export { DEFAULT_BOARD, ensureBoard } from './tenants/board';
export { type DemoPngOptions, demoPdf, demoPng } from './tenants/demo-files';
export type { TenantDeclaration } from './tenants/load';
export { loadTenantDeclarations } from './tenants/load';
export type { TenantManifest } from './tenants/manifest';
export { tenantManifest } from './tenants/manifest';
export { connectDemoStripe } from './tenants/payments';
export { renderMarkdown } from './text/markdown';
