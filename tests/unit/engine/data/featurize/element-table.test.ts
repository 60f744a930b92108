import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { elementTablesDir, loadElementTable } from '../../../../../src-main/engine/data/featurize/element-table';
import { atomicNumber } from '../../../../../src-main/engine/data/formula/periodic-table';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { repoRoot, scratchDir } from '../../../../helpers/paths';

const TABLES = ['magpie_elementdata_matminer.csv', 'crabnet_magpie.csv', 'crabnet_oliynyk.csv', 'crabnet_mat2vec.csv'];

describe('shipped element tables', () => {
  it.each(TABLES)('%s is the upstream file byte for byte: its sha-256 is the one ATTRIBUTION.md records', (file) => {
    const shipped = readFileSync(join(elementTablesDir(), file));
    const sha = createHash('sha256').update(shipped).digest('hex');
    expect(loadElementTable(file).sha256).toBe(sha);
    const attribution = readFileSync(join(repoRoot, 'resources', 'elements', 'ATTRIBUTION.md'), 'utf8');
    expect(attribution).toContain(`| ${file} | ${sha} |`);
  });

  it('names sources, commits and licences in ATTRIBUTION.md', () => {
    const attribution = readFileSync(join(repoRoot, 'resources', 'elements', 'ATTRIBUTION.md'), 'utf8');
    for (const needle of ['8ddb18c74064ab3668d7b5aed7c360abdfdae5de', '457b4d4835737ecbe4dd33e53174bd818bd82143', 'MIT', 'BSD', 'Ward', 'Oliynyk', 'Tshitoyan']) {
      expect(attribution).toContain(needle);
    }
  });
});

describe('loadElementTable', () => {
  it('loads the magpie table into a dense [Z × property] array', () => {
    const t = loadElementTable('magpie_elementdata_matminer.csv');
    expect(t.file).toBe('magpie_elementdata_matminer.csv');
    expect(t.propertyNames.length).toBe(63);
    expect(t.elementCount).toBe(112);
    const at = (symbol: string, property: string) => t.values[atomicNumber(symbol) * t.propertyNames.length + t.propertyNames.indexOf(property)];
    expect(at('Fe', 'MeltingT')).toBe(1811);
    expect(at('Na', 'Electronegativity')).toBe(0.93);
    expect(at('Cl', 'Number')).toBe(17);
    // Empty cells and elements beyond the table are NaN, never 0.
    expect(at('O', 'BulkModulus')).toBeNaN();
    expect(at('Nh', 'MeltingT')).toBeNaN();
    expect(t.present[atomicNumber('Cn')]).toBe(1);
    expect(t.present[atomicNumber('Nh')]).toBe(0);
    expect(t.present[0]).toBe(0);
  });

  it('knows which elements each table covers', () => {
    expect(loadElementTable('crabnet_oliynyk.csv').present[atomicNumber('Pu')]).toBe(0);
    expect(loadElementTable('crabnet_oliynyk.csv').elementCount).toBe(85);
    expect(loadElementTable('crabnet_mat2vec.csv').elementCount).toBe(118);
    expect(loadElementTable('crabnet_mat2vec.csv').propertyNames.length).toBe(200);
  });

  it('caches by path', () => {
    expect(loadElementTable('crabnet_magpie.csv')).toBe(loadElementTable('crabnet_magpie.csv'));
  });

  describe('refuses malformed tables, naming row and column', () => {
    const scratch = scratchDir();
    afterAll(() => scratch.cleanup());
    const load = (name: string, text: string) => {
      const path = join(scratch.dir, name);
      writeFileSync(path, text);
      return () => loadElementTable(path);
    };
    const expectError = (run: () => unknown, row: number, column: string | undefined, message: RegExp) => {
      try {
        run();
      } catch (e) {
        expect(e).toBeInstanceOf(CrucibleError);
        expect((e as CrucibleError).code).toBe('bad-input');
        expect((e as CrucibleError).location).toMatchObject({ row, column });
        expect((e as CrucibleError).message).toMatch(message);
        return;
      }
      throw new Error('expected an error');
    };

    it('reads a well-formed table with CRLF, a BOM and blank cells', () => {
      const t = load('ok.csv', '\uFEFFelement,a,b\r\nH,1,\r\nHe, ,2.5\r\n')();
      expect(t.propertyNames).toEqual(['a', 'b']);
      expect(t.values[1 * 2]).toBe(1);
      expect(t.values[1 * 2 + 1]).toBeNaN();
      expect(t.values[2 * 2]).toBeNaN();
      expect(t.values[2 * 2 + 1]).toBe(2.5);
    });

    it('with errors', () => {
      expectError(load('h.csv', 'symbol,a\nH,1\n'), 1, 'symbol', /must start with "element"/);
      expectError(load('d.csv', 'element,a,a\nH,1,2\n'), 1, 'a', /"a" is empty or repeated/);
      expectError(load('x.csv', 'element,a\nH,1\nXx,2\n'), 3, 'element', /"Xx" is not an element symbol/);
      expectError(load('t.csv', 'element,a\nH,1\nH,2\n'), 3, 'element', /element H appears twice/);
      expectError(load('n.csv', 'element,a,b\nH,1,abc\n'), 2, 'b', /"abc" is not a number/);
      expectError(load('w.csv', 'element,a,b\nH,1\n'), 2, undefined, /row 2 has 2 cells, the header 3/);
    });

    it('reports a missing file as not-found', () => {
      expect(() => loadElementTable(join(scratch.dir, 'absent.csv'))).toThrow(expect.objectContaining({ code: 'not-found' }));
    });
  });
});
