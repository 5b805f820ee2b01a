import { describe, expect, it } from 'vitest';
import { elfSummary } from './elf';

/** A small ELF64 (little-endian x86-64) laid out by hand: header, 3 program headers, interp, dynstr, dynamic, sections. */
function elf64(opts: { symtab: boolean; cut?: number }): Uint8Array {
  const b = new Uint8Array(1024);
  const v = new DataView(b.buffer);
  const VADDR = 0x400000;
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  v.setUint16(16, 3, true); // DYN
  v.setUint16(18, 62, true); // x86-64
  v.setBigUint64(32, 64n, true); // e_phoff
  v.setBigUint64(40, 800n, true); // e_shoff
  v.setUint16(54, 56, true); // e_phentsize
  v.setUint16(56, 3, true); // e_phnum
  v.setUint16(58, 64, true); // e_shentsize
  v.setUint16(60, 2, true); // e_shnum
  const ph = (k: number, type: number, off: number, size: number) => {
    const at = 64 + k * 56;
    v.setUint32(at, type, true);
    v.setBigUint64(at + 8, BigInt(off), true);
    v.setBigUint64(at + 16, BigInt(VADDR + off), true);
    v.setBigUint64(at + 32, BigInt(size), true);
  };
  ph(0, 1, 0, 1024); // PT_LOAD: the whole file
  ph(1, 3, 300, 28); // PT_INTERP
  ph(2, 2, 500, 64); // PT_DYNAMIC
  b.set(new TextEncoder().encode('/lib64/ld-linux-x86-64.so.2\0'), 300);
  b.set(new TextEncoder().encode('\0libc.so.6\0libz.so.1\0'), 400); // dynstr at 400
  const dt = (k: number, tag: number, val: number) => {
    v.setBigUint64(500 + k * 16, BigInt(tag), true);
    v.setBigUint64(500 + k * 16 + 8, BigInt(val), true);
  };
  dt(0, 1, 1); // NEEDED libc.so.6
  dt(1, 1, 11); // NEEDED libz.so.1
  dt(2, 5, VADDR + 400); // STRTAB
  dt(3, 0, 0);
  v.setUint32(800 + 64 + 4, opts.symtab ? 2 : 3, true); // section 1: SYMTAB or STRTAB
  return opts.cut ? b.subarray(0, opts.cut) : b;
}

describe('elfSummary', () => {
  it('reads class, machine, interpreter, needed libraries and symbols', () => {
    expect(elfSummary(elf64({ symtab: true }))).toEqual({
      cls: 'ELF64',
      endian: 'little',
      type: 'shared object or PIE',
      machine: 'x86-64',
      interpreter: '/lib64/ld-linux-x86-64.so.2',
      needed: ['libc.so.6', 'libz.so.1'],
      linking: 'dynamic',
      stripped: false,
    });
    expect(elfSummary(elf64({ symtab: false }))!.stripped).toBe(true);
  });
  it('says "unknown" (null) for what lies beyond the bytes read', () => {
    const s = elfSummary(elf64({ symtab: true, cut: 520 }))!;
    expect(s.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(s.needed).toBeNull();
    expect(s.stripped).toBeNull();
  });
  it('a static big-endian ELF32 without sections', () => {
    const b = new Uint8Array(64);
    b.set([0x7f, 0x45, 0x4c, 0x46, 1, 2, 1], 0);
    new DataView(b.buffer).setUint16(16, 2, false);
    new DataView(b.buffer).setUint16(18, 8, false);
    expect(elfSummary(b)).toMatchObject({ cls: 'ELF32', endian: 'big', type: 'executable', machine: 'MIPS', interpreter: null, linking: 'static', needed: [], stripped: true });
  });
  it('is null for anything that is not ELF, and never throws on garbage', () => {
    expect(elfSummary(new TextEncoder().encode('#!/bin/sh\necho hi\n'.repeat(4)))).toBeNull();
    const junk = elf64({ symtab: true });
    new DataView(junk.buffer).setBigUint64(32, 0xffffffffn, true); // e_phoff far away
    expect(elfSummary(junk)).toMatchObject({ interpreter: null, linking: 'static' });
  });
});
