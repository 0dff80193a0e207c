/** The Dangan submission package format (a BagIt 1.0 bag): metadata schema, layout, bag-info labels. */
export * from './schema.ts';
export {
  BAG_INFO,
  BAGIT_TXT,
  MAX_SEGMENT_BYTES,
  METADATA_PATH,
  PAYLOAD_ALGORITHMS,
  SIGNATURE_FILE,
  humanSize,
  payloadPath,
  recordFileName,
  segmentProblem,
  type TagManifestSigner,
} from './layout.ts';
export { JSON_SCHEMA_FILE, JSON_SCHEMA_ID, jsonSchemaText, packageMetadataJsonSchema } from './json-schema.ts';
