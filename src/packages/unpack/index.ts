export { openPackage, detectFormat, type PackageEntry, type PackageFormat, type PackageReader, type OpenOptions } from './reader.ts';
export { DEFAULT_LIMITS, resolveLimits, type UnpackLimits } from './limits.ts';
export { UnpackError, type UnpackErrorCode, type UnpackWarning, type UnpackWarningCode } from './errors.ts';
export { EntryStream } from './guard.ts';
export { checkEntryPath, decodeNameBytes, decodeZipName, NameRegistry, type NameEncoding } from './names.ts';
export { loadXml, DEFAULT_XML_LIMITS, type XmlLimits, type LoadedXml } from './xml.ts';
