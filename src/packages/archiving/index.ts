/** The archiving API for business systems (实时归档接口): push records, idempotency, webhooks out. */
export { archivingRoutes } from './routes.ts';
export { loadArchivingOptions, EVENTS, type ArchivingOptions, type SubmissionEvent } from './schema.ts';
export { PACKAGE_FILE, bodyHash } from './service.ts';
export { notifySubmissionEvent, defineArchivingJobs, deliverWebhook, signature, targetAllowed, WEBHOOK_DELIVER } from './webhooks.ts';
