// ❓ UNVERIFIED — check-character lookup table of the 房屋建筑统一编码 (JGJ/T 496-2022, digest §8.3).
//
// The standard maps Y = S mod 11 (0…10) to a check character through a table that was NOT captured.
// The only known point comes from the worked example 11010101020200109000003, where Y = 7 gives '3'.
// Everything else below is PROVISIONAL and MUST be replaced when the standard text is obtained:
//   identity (Y → digit Y, 10 → 'X') with 3 and 7 swapped, so that the known point 7 → '3' holds AND the
//   map stays one-to-one (a plain identity with 7 → '3' would give '3' twice and hide some typing errors).
// Until then parseBuildingCode reports `checkTableVerified: false` with every result and check issue.

export type BuildingCodeCheckTable = {
  /** False until the table is checked against the official JGJ/T 496-2022 text. */
  readonly verified: boolean;
  /** chars[Y] is the check character for Y = S mod 11. Must hold 11 distinct characters. */
  readonly chars: readonly string[];
  /** Residues whose mapping is attested by a worked example (the rest is provisional). */
  readonly knownPoints: Readonly<Record<number, string>>;
};

export const BUILDING_CODE_CHECK_TABLE: BuildingCodeCheckTable = Object.freeze({
  verified: false,
  //            Y = 0    1    2    3    4    5    6    7    8    9    10
  chars: Object.freeze(['0', '1', '2', '7', '4', '5', '6', '3', '8', '9', 'X']),
  knownPoints: Object.freeze({ 7: '3' }),
});
