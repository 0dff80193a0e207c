export { Uploads, type Submission, type UploadRow } from './service.ts';
export { uploadRoutes } from './routes.ts';
export { parseUploadMetadata, intHeader, TUS_VERSION } from './tus.ts';
