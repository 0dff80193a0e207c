export * from './commands.ts';
export * from './queries.ts';
export * from './views.ts';
export { catalogRoutes, type ContentReader, type VolumeChanged } from './routes.ts';
export { seedBaselineScheme, baselineElements, CONSTRUCTION_PROFILE, BASELINE_NAME, type MetadataElement } from './metadata-scheme.ts';
export { parseCsv, csvObjects } from './csv.ts';
