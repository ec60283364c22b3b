/**
 * The ZIP container of Inspect's `.eval` logs, read and written in memory.
 *
 * Reading follows the central directory (APPNOTE.TXT, section 4.3), with the
 * ZIP64 end records and extra field for archives past 4 GiB or 65,535
 * members. Members may be stored (method 0), deflated (8) or, as Inspect
 * writes them since 0.3.206, Zstandard-compressed (93, decoded by fzstd);
 * each member's CRC-32 is checked. Writing produces deflated members with
 * UTF-8 names, enough for logs of any size this project makes (up to 65,535
 * members and 4 GiB).
 */
import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";
import { decompress as zstdDecompress } from "fzstd";
import { AfwError } from "../util/errors";

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;

/** Compression methods this reader understands. */
export const ZIP_STORED = 0;
export const ZIP_DEFLATED = 8;
export const ZIP_ZSTD = 93;

/** One member as the central directory describes it. */
export interface ZipMember {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** An archive opened for reading: its members by name, each read on demand. */
export interface ZipReader {
  names(): string[];
  has(name: string): boolean;
  /** The member's bytes, decompressed and CRC-checked. */
  read(name: string): Buffer;
}

function u64(b: Buffer, at: number): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error("ZIP64 size beyond 2^53");
  return Number(v);
}

/** Find the end-of-central-directory record, scanning back over a comment of up to 64 KiB. */
function findEnd(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === SIG_END) return i;
  return -1;
}

/**
 * Open a ZIP archive held in memory. A file that is not a ZIP, or whose
 * directory is damaged, is an AfwError naming `where`.
 * @example const z = openZip(readFileSync("log.eval"), "log.eval"); JSON.parse(z.read("header.json").toString());
 */
export function openZip(buf: Buffer, where: string): ZipReader {
  const bad = (why: string) => new AfwError(`${where}: not a readable .eval (ZIP) file: ${why}`);
  const end = buf.length >= 22 ? findEnd(buf) : -1;
  if (end < 0) throw bad("no end-of-central-directory record");
  let count = buf.readUInt16LE(end + 10);
  let cdSize = buf.readUInt32LE(end + 12);
  let cdOffset = buf.readUInt32LE(end + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = end - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== SIG_END64_LOCATOR) throw bad("ZIP64 locator missing");
    const at = u64(buf, loc + 8);
    if (at + 56 > buf.length || buf.readUInt32LE(at) !== SIG_END64) throw bad("ZIP64 end record missing");
    count = u64(buf, at + 32);
    cdSize = u64(buf, at + 40);
    cdOffset = u64(buf, at + 48);
  }
  if (cdOffset + cdSize > buf.length) throw bad("central directory runs past the end of the file");
  const members = new Map<string, ZipMember>();
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== SIG_CENTRAL) throw bad(`central directory entry ${k + 1} is damaged`);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    let compressedSize = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    // ZIP64 extended information: the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
    let e = p + 46 + nameLen;
    const eEnd = e + extraLen;
    while (e + 4 <= eEnd) {
      const id = buf.readUInt16LE(e);
      const len = buf.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) (size = u64(buf, q)), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(buf, q)), (q += 8);
        if (localOffset === 0xffffffff) localOffset = u64(buf, q);
      }
      e += 4 + len;
    }
    members.set(name, { name, method, crc, compressedSize, size, localOffset });
    p = eEnd + commentLen;
  }
  return {
    names: () => [...members.keys()],
    has: (name) => members.has(name),
    read(name) {
      const m = members.get(name);
      if (!m) throw new AfwError(`${where}: no member ${name} in the archive`);
      const at = m.localOffset;
      if (at + 30 > buf.length || buf.readUInt32LE(at) !== SIG_LOCAL) throw bad(`local header of ${name} is damaged`);
      const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
      if (start + m.compressedSize > buf.length) throw bad(`${name} runs past the end of the file`);
      const raw = buf.subarray(start, start + m.compressedSize);
      let out: Buffer;
      try {
        if (m.method === ZIP_STORED) out = Buffer.from(raw);
        else if (m.method === ZIP_DEFLATED) out = inflateRawSync(raw);
        else if (m.method === ZIP_ZSTD) {
          const u = zstdDecompress(raw);
          out = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
        } else throw new AfwError(`${where}: ${name} uses compression method ${m.method}, which this reader does not know (0, 8 and 93 are supported)`);
      } catch (err) {
        if (err instanceof AfwError) throw err;
        throw bad(`${name} does not decompress (${String((err as Error).message ?? err).split("\n")[0]})`);
      }
      if (out.length !== m.size) throw bad(`${name} decompresses to ${out.length} bytes, the directory says ${m.size}`);
      if (crc32(out) >>> 0 !== m.crc) throw bad(`${name} fails its CRC-32 check`);
      return out;
    },
  };
}

/** DOS date and time fields of a Date (local time, two-second resolution). */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** How a member is packed: its method number and the packed bytes. */
export type ZipPacker = (data: Buffer) => { method: number; packed: Buffer };

const deflate: ZipPacker = (data) => ({ method: ZIP_DEFLATED, packed: deflateRawSync(data) });

/**
 * Build a ZIP archive (UTF-8 names), members in order, deflated unless
 * another packer is given (tests pack with the zstd command to make
 * method-93 archives like newer Inspect writes).
 * @example writeZip([{ name: "header.json", data: Buffer.from("{}") }])
 */
export function writeZip(entries: readonly { name: string; data: Buffer | string }[], modified: Date = new Date(), pack: ZipPacker = deflate): Buffer {
  if (entries.length > 0xfffe) throw new AfwError(`zip: ${entries.length} members is more than this writer supports (65,534); write a .json log instead`);
  const { time, date } = dosTime(modified);
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = typeof e.data === "string" ? Buffer.from(e.data, "utf8") : e.data;
    const { method, packed } = pack(data);
    const name = Buffer.from(e.name, "utf8");
    const crc = crc32(data) >>> 0;
    if (offset > 0xfffffffe || packed.length > 0xfffffffe || data.length > 0xfffffffe) {
      throw new AfwError("zip: the archive would pass 4 GiB, more than this writer supports; write a .json log instead");
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(SIG_CENTRAL, 0);
    cd.writeUInt16LE(20, 4); // made by: 2.0
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(time, 12);
    cd.writeUInt16LE(date, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(packed.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    chunks.push(local, name, packed);
    central.push(cd, name);
    offset += local.length + name.length + packed.length;
  }
  const cdSize = central.reduce((a, b) => a + b.length, 0);
  if (offset + cdSize > 0xfffffffe) throw new AfwError("zip: the archive would pass 4 GiB, more than this writer supports; write a .json log instead");
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}
