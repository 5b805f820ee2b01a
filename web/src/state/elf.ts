// A summary of an ELF executable or library from the bytes the viewer read
// (its first page): class, byte order, type, machine, interpreter, the
// libraries it needs, static or dynamic, stripped or not. Pure and bounded:
// every read is checked against what is there; what lies beyond the bytes
// read is reported as unknown (null), never guessed.

export interface ElfSummary {
  /** "ELF64" | "ELF32" */
  cls: string;
  endian: 'little' | 'big';
  /** "executable", "shared object or PIE", "relocatable object", "core dump", or "type N" */
  type: string;
  /** "x86-64", "AArch64", … or "machine N" */
  machine: string;
  /** the program interpreter (PT_INTERP), null when there is none */
  interpreter: string | null;
  /** DT_NEEDED libraries; null when the dynamic section lies beyond the bytes read */
  needed: string[] | null;
  linking: 'static' | 'dynamic';
  /** no .symtab; null when the section table lies beyond the bytes read */
  stripped: boolean | null;
}

const TYPES: Record<number, string> = { 1: 'relocatable object', 2: 'executable', 3: 'shared object or PIE', 4: 'core dump' };
const MACHINES: Record<number, string> = {
  2: 'SPARC', 3: 'x86 (i386)', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'IBM S/390', 40: 'ARM', 43: 'SPARC V9',
  62: 'x86-64', 183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const SHT_SYMTAB = 2;
const MAX_NEEDED = 256;

/** Bounds-checked reads in the file's byte order (null past the end). */
class Reader {
  private readonly v: DataView;
  constructor(
    readonly b: Uint8Array,
    private readonly le: boolean,
    readonly wide: boolean,
  ) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  u16(at: number): number | null {
    return at >= 0 && at + 2 <= this.b.length ? this.v.getUint16(at, this.le) : null;
  }
  u32(at: number): number | null {
    return at >= 0 && at + 4 <= this.b.length ? this.v.getUint32(at, this.le) : null;
  }
  /** a word: 8 bytes in ELF64, 4 in ELF32 (as a number; offsets past 2^53 are not in our bytes anyway) */
  word(at: number): number | null {
    if (!this.wide) return this.u32(at);
    return at >= 0 && at + 8 <= this.b.length ? Number(this.v.getBigUint64(at, this.le)) : null;
  }
  /** a NUL-terminated string at `at` (null when it runs past the bytes, or is longer than 4 KiB) */
  cstr(at: number): string | null {
    if (at < 0 || at >= this.b.length) return null;
    const end = this.b.indexOf(0, at);
    if (end < 0 || end - at > 4096) return null;
    return new TextDecoder('utf-8', { fatal: false }).decode(this.b.subarray(at, end));
  }
}

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

/** The summary, or null when `b` does not start with an ELF header. */
export function elfSummary(b: Uint8Array): ElfSummary | null {
  if (b.length < 52 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return null;
  if ((b[4] !== 1 && b[4] !== 2) || (b[5] !== 1 && b[5] !== 2)) return null;
  const r = new Reader(b, b[5] === 1, b[4] === 2);
  const type = r.u16(16)!;
  const machine = r.u16(18)!;
  const segs = segments(r);
  const interpSeg = segs.find((s) => s.type === PT_INTERP);
  const dyn = segs.find((s) => s.type === PT_DYNAMIC);
  return {
    cls: r.wide ? 'ELF64' : 'ELF32',
    endian: b[5] === 1 ? 'little' : 'big',
    type: TYPES[type] ?? `type ${type}`,
    machine: MACHINES[machine] ?? `machine ${machine}`,
    interpreter: interpSeg ? r.cstr(interpSeg.offset) : null,
    needed: dyn ? neededLibs(r, dyn, segs) : [],
    linking: interpSeg || dyn ? 'dynamic' : 'static',
    stripped: stripped(r),
  };
}

function segments(r: Reader): Segment[] {
  const phoff = r.word(r.wide ? 32 : 28) ?? 0;
  const entsize = r.u16(r.wide ? 54 : 42) ?? 0;
  const count = Math.min(r.u16(r.wide ? 56 : 44) ?? 0, 512);
  const out: Segment[] = [];
  for (let k = 0; k < count && entsize; k++) {
    const at = phoff + k * entsize;
    const type = r.u32(at);
    const offset = r.word(at + (r.wide ? 8 : 4));
    const vaddr = r.word(at + (r.wide ? 16 : 8));
    const filesz = r.word(at + (r.wide ? 32 : 16));
    if (type === null || offset === null || vaddr === null || filesz === null) break;
    out.push({ type, offset, vaddr, filesz });
  }
  return out;
}

/** DT_NEEDED names: the dynamic section's entries, their strings in DT_STRTAB (a virtual address, mapped through PT_LOAD). */
function neededLibs(r: Reader, dyn: Segment, segs: Segment[]): string[] | null {
  const size = r.wide ? 16 : 8;
  const offsets: number[] = [];
  let strtab: number | null = null;
  for (let at = dyn.offset; at + size <= dyn.offset + dyn.filesz; at += size) {
    const tag = r.word(at);
    const val = r.word(at + size / 2);
    if (tag === null || val === null) return null;
    if (tag === 0) break;
    if (tag === DT_NEEDED && offsets.length < MAX_NEEDED) offsets.push(val);
    if (tag === DT_STRTAB) strtab = val;
  }
  if (strtab === null) return offsets.length ? null : [];
  const load = segs.find((s) => s.type === PT_LOAD && strtab! >= s.vaddr && strtab! < s.vaddr + s.filesz);
  if (!load) return null;
  const base = load.offset + (strtab - load.vaddr);
  const names = offsets.map((o) => r.cstr(base + o));
  return names.every((n) => n !== null) ? (names as string[]) : null;
}

function stripped(r: Reader): boolean | null {
  const shoff = r.word(r.wide ? 40 : 32) ?? 0;
  const entsize = r.u16(r.wide ? 58 : 46) ?? 0;
  const count = Math.min(r.u16(r.wide ? 60 : 48) ?? 0, 65535);
  if (!shoff || !entsize || !count) return shoff ? null : true;
  if (shoff + count * entsize > r.b.length) return null;
  for (let k = 0; k < count; k++) if (r.u32(shoff + k * entsize + 4) === SHT_SYMTAB) return false;
  return true;
}
