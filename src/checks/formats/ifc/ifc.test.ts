/**
 * IFC inspector against ifc-gherkin-rules: IFC101 (official schema identifier), PJS000 (a project exists)
 * and PJS101 (exactly one project), table-driven from the file-name outcome convention in SOURCE.md;
 * every corpus file has a valid STEP envelope; synthetic truncated / broken files fail.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { corpus } from '../../../platform/testing/corpus.ts';
import { decodeStepString, inspectIfc } from './inspect.ts';

const ROOT = corpus('ifc-gherkin-rules', 'test', 'files');
const ifcFiles = (readdirSync(ROOT, { recursive: true }) as string[]).filter((f) => f.endsWith('.ifc')).map((f) => join(ROOT, f));
const outcome = (f: string) => /\/(pass|fail|na)-[^/]*$/.exec(f)![1] as 'pass' | 'fail' | 'na';

test('the corpus has its 41 IFC files', () => assert.equal(ifcFiles.length, 41));

for (const f of ifcFiles) {
  const rel = relative(ROOT, f);
  const rule = rel.split('/')[1]!; // ifc101, pjs000, pjs101, …
  test(`${rel}: envelope ok${['ifc101', 'pjs000', 'pjs101'].includes(rule) ? `, ${rule} ${outcome(f)}` : ''}`, async () => {
    const r = await inspectIfc(f);
    assert.equal(r.ok, true, JSON.stringify(r.problems));
    assert.equal(r.complete, true);
    assert.ok(r.entityCount > 0);
    assert.ok(r.schema);
    const want = outcome(f);
    if (rule === 'ifc101') assert.equal(r.schemaKnown, want === 'pass', r.schema);
    if (rule === 'pjs000') assert.equal(r.hasProject, want === 'pass'); // na = rule not activated = no project
    if (rule === 'pjs101') assert.equal(r.projectCount === 1, want === 'pass', `projects: ${r.projectCount}`);
    if (rule === 'pjs101' && want === 'fail') assert.ok(r.problems.some((x) => x.code === 'ifc-project-count'));
  });
}

test('HEADER values are read and decoded', async () => {
  const r = await inspectIfc(join(ROOT, 'IFC', 'ifc101', 'pass-ifc101-IFC4.ifc'));
  assert.equal(r.schema, 'IFC4');
  assert.ok(r.fileName !== undefined);
  assert.ok(r.description?.length);
  assert.equal(decodeStepString("\\X2\\7AE35DE556FE\\X0\\ O''Brien \\X\\E9"), '竣工图 O\'Brien é');
});

test('truncated, garbage, non-STEP and tricky-but-valid files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-ifc-'));
  try {
    const src = await readFile(join(ROOT, 'PJS', 'pjs101', 'pass-pjs101-correct_presence_project.ifc'), 'latin1');
    const cases: [string, string, boolean, string?][] = [
      ['half.ifc', src.slice(0, Math.floor(src.length / 2)), false, 'step-truncated'],
      ['no-end.ifc', src.slice(0, src.lastIndexOf('END-ISO-10303-21')), false, 'step-truncated'],
      ['open-string.ifc', `${src.slice(0, src.indexOf('DATA;') + 5)}\n#1=IFCPROJECT('abc`, false, 'step-truncated'],
      ['garbage.ifc', '\u0000\u0001garbage;more;', false, 'step-header-missing'],
      ['empty.ifc', '', false, 'step-header-missing'],
      ['no-header-entities.ifc', 'ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\n#1=IFCPROJECT($);\nENDSEC;\nEND-ISO-10303-21;\n', false, 'step-header-entity-missing'],
      ['bad-instance.ifc', src.replace('DATA;', 'DATA;\nTHIS IS NOT AN INSTANCE;'), false, 'step-instance-invalid'],
      ['tricky.ifc', "ISO-10303-21;\nHEADER;\n/* a comment; with ; semicolons */\nFILE_DESCRIPTION(('ViewDefinition [x;y]'),'2;1');\nFILE_NAME('a;b.ifc','2024-01-01T00:00:00',(''),(''),'','','');\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n#1=IFCPROJECT('0x',$,'name; with '' quote',$,$,$,$,$,$);\n#2=IFCWALL(\n'multi\nline;',$);\nENDSEC;\nEND-ISO-10303-21;\n", true],
    ];
    for (const [name, text, ok, code] of cases) {
      await writeFile(join(dir, name), text, 'latin1');
      const r = await inspectIfc(join(dir, name));
      assert.equal(r.ok, ok, `${name}: ${JSON.stringify(r.problems)}`);
      if (code) assert.ok(r.problems.some((x) => x.code === code), `${name}: ${r.problems.map((x) => x.code).join(',')}`);
      if (name === 'tricky.ifc') {
        assert.equal(r.entityCount, 2);
        assert.equal(r.projectCount, 1);
        assert.equal(r.fileName, 'a;b.ifc');
        assert.deepEqual(r.description, ['ViewDefinition [x;y]']);
      }
    }
    const missing = await inspectIfc(join(dir, 'nope.ifc'));
    assert.equal(missing.ok, false);
    assert.equal(missing.problems[0]?.code, 'ifc-unreadable');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
