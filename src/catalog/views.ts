import { z } from 'zod';

// API shapes: database rows never leak; each level has one presenter schema used by every route.
export const RepositoryView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  level: z.enum(['city', 'county']),
  regionCode: z.string(),
  regionName: z.string().nullable(),
  parentId: z.string().nullable(),
});
export const ProjectView = z.object({
  id: z.string(),
  repositoryId: z.string(),
  projectCode: z.string(),
  name: z.string(),
  projectType: z.enum(['building', 'municipal']),
  builderName: z.string(),
  builderUscc: z.string(),
  regionCode: z.string(),
  address: z.string(),
  buildingCount: z.number(),
  unitProjectCount: z.number(),
});
export const BuildingView = z.object({
  id: z.string(),
  projectId: z.string(),
  buildingCode: z.string(),
  name: z.string(),
  address: z.string(),
  location: z.object({ lon: z.number(), lat: z.number() }).nullable(),
});
export const UnitProjectView = z.object({
  id: z.string(),
  projectId: z.string(),
  buildingId: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  volumeCount: z.number(),
});
export const VolumeView = z.object({
  id: z.string(),
  unitProjectId: z.string(),
  archivalCode: z.string(),
  title: z.string(),
  category: z.enum(['A', 'B', 'C', 'D', 'E']),
  subclass: z.string().nullable(),
  year: z.number(),
  retention: z.enum(['permanent', 'long', 'short']),
  classification: z.enum(['none', 'internal', 'confidential', 'secret']),
  access: z.enum(['open', 'restricted']),
  recordCount: z.number(),
});
export const ComponentView = z.object({
  id: z.string(),
  fileName: z.string(),
  size: z.number(),
  format: z.string(),
  sha256: z.string(),
  sm3: z.string(),
});
export const RecordView = z.object({
  id: z.string(),
  volumeId: z.string(),
  seq: z.number(),
  title: z.string(),
  author: z.string(),
  date: z.string().nullable(),
  docNumber: z.string(),
  pages: z.number(),
  category: z.enum(['A', 'B', 'C', 'D', 'E']),
  subclass: z.string().nullable(),
  origin: z.enum(['born-digital', 'digitised']),
  components: z.array(ComponentView),
});

export type RepositoryView = z.infer<typeof RepositoryView>;
export type ProjectView = z.infer<typeof ProjectView>;
export type BuildingView = z.infer<typeof BuildingView>;
export type UnitProjectView = z.infer<typeof UnitProjectView>;
export type VolumeView = z.infer<typeof VolumeView>;
export type RecordView = z.infer<typeof RecordView>;
export type ComponentView = z.infer<typeof ComponentView>;
