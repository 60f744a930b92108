/** Member names that could escape the folder a bundle is unpacked into. */
import { describe, expect, it } from 'vitest';
import { memberNameProblem } from '../../../../../src-main/engine/export/bundle/members';

describe('bundle member names', () => {
  it('accepts plain relative paths', () => {
    for (const name of ['model.onnx', 'weights/model.ckpt', 'training/config.yaml', 'a-b_c.d/e']) expect(memberNameProblem(name), name).toBeNull();
  });

  it.each([
    ['', 'is empty'],
    ['../x', 'climbs out of the bundle with ".."'],
    ['a/../../x', 'climbs out of the bundle with ".."'],
    ['/abs', 'is an absolute path'],
    ['C:x', 'starts with a drive letter'],
    ['a\\b', 'contains a backslash'],
    ['a//b', 'has an empty or "." path segment'],
    ['./a', 'has an empty or "." path segment'],
    ['a\u0000b', 'contains control characters'],
    ['x'.repeat(201), 'is longer than 200 characters'],
  ])('refuses %j', (name, problem) => {
    expect(memberNameProblem(name)).toBe(problem);
  });
});
