/**
 * Public API of the non-PDF/OFD format checks: identification by content, and the image (DA/T 31 scan),
 * XML, IFC, DWG and audio/video inspectors. `index.ts` (shared with pdf/ and ofd/) re-exports from here.
 */
export { detectFormatOfBuffer, dwgRelease, EXTENSIONS, identifyFile, MIME } from './identify.ts';
export { inspectImage, type ColourMode, type Dpi, type DpiSource, type ImageInspection, type ImageOptions, type ImagePage } from './image/inspect.ts';
export { DEFAULT_SCAN_POLICY, evaluateScan, type ScanOutcome, type ScanPolicy } from './image/scan.ts';
export { inspectXml, type XmlInspection, type XmlOptions } from './xml/inspect.ts';
export { decodeStepString, inspectIfc, OFFICIAL_IFC_SCHEMAS, type IfcInspection, type IfcOptions } from './ifc/inspect.ts';
export { DWG_MIN_BYTES, inspectDwg, type DwgInspection } from './dwg/inspect.ts';
export { inspectAv, type AvInspection, type AvOptions } from './av/inspect.ts';
