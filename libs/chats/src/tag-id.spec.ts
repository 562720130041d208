import { describe, expect, it } from 'vitest';
import { isReservedTagId, tagIdOf } from './tag-id.js';

describe('tag ids', () => {
  it('lowercases and replaces every space with an underscore', () => {
    expect(tagIdOf('Work Stuff')).toBe('work_stuff');
    expect(tagIdOf('A  B C')).toBe('a__b_c');
    expect(tagIdOf('Ünïcode Tag')).toBe('ünïcode_tag');
    expect(tagIdOf('already_id')).toBe('already_id');
  });

  it('reserves "none" in any case', () => {
    expect(isReservedTagId(tagIdOf('None'))).toBe(true);
    expect(isReservedTagId(tagIdOf('NONE'))).toBe(true);
    expect(isReservedTagId(tagIdOf('none of it'))).toBe(false);
  });
});
