export { StorageError, checkKey, type ObjectInfo, type PutResult, type StorageBackend, type StorageErrorKind } from './backend.ts';
export { FsBackend } from './fs-backend.ts';
export { S3Backend, type S3BackendOptions } from './s3-backend.ts';
// Test support: a real S3-protocol server (s3rver, a dev dependency) in a child process.
export { startS3TestServer, type S3TestServer } from './s3-test-server.ts';
