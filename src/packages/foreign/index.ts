/**
 * Reading the packages users already have — generic BagIt bags, E-ARK CSIP/SIP, DA/T 48 EEP files and
 * DA/T 93 folder packages — into the one internal model (../model.ts). See docs/foreign-packages.md.
 */
import type { IncomingPackage } from '../model.ts';
import { readBagit } from './bagit.ts';
import { err, fromUnpack } from './common.ts';
import { readDat93 } from './dat93.ts';
import { detectForeign, type ForeignFormat } from './detect.ts';
import { readEark } from './eark.ts';
import { readEep, type EepOptions } from './eep.ts';

export { readBagit } from './bagit.ts';
export { readDat93, DAT93_FIELDS } from './dat93.ts';
export { detectForeign, type Detection, type ForeignFormat } from './detect.ts';
export { readEark, type EarkOptions } from './eark.ts';
export { readEep, eepDigests, EEP_MAX_BYTES, EEP_NAMESPACE, type EepOptions, type EmbeddedDigest } from './eep.ts';

export type ForeignOptions = EepOptions & { format?: ForeignFormat };

/** Detects the format (unless given) and reads the package; an unknown one is a package with one error. */
export async function readForeignPackage(path: string, options: ForeignOptions = {}): Promise<IncomingPackage> {
  let format = options.format;
  if (!format) {
    try {
      const d = await detectForeign(path);
      if (!d.format) return unknown(path, err('foreign-format-unknown', d.reason.zh, d.reason.en));
      format = d.format;
    } catch (e) {
      return unknown(path, fromUnpack(e, path));
    }
  }
  switch (format) {
    case 'bagit':
      return readBagit(path);
    case 'eark-sip':
      return readEark(path);
    case 'eep':
      return readEep(path, options);
    case 'dat93':
      return readDat93(path);
  }
}

function unknown(path: string, problem: IncomingPackage['problems'][number]): IncomingPackage {
  return { source: { format: 'api', path }, units: [], volumes: [], records: [], unclaimed: [], problems: [problem] };
}
