/**
 * File access for Node (the CLI and tests); the one runtime file that imports `node:` modules,
 * so everything else in runtime/ stays usable in a browser. File-system failures become
 * NetspecErrors that name the file and what it was for, never an ENOENT stack.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { NetspecError } from './errors.js';
import { isGzip, readIdx, type IdxArray } from './idx.js';

function describe(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'it is a directory';
    case 'ENOTDIR': return 'a parent of it is not a directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ENOSPC': return 'no space left on the device';
    case 'EROFS': return 'read-only file system';
    default: return (e as Error).message ?? String(e);
  }
}

/** The whole file; `what` says what it is for ("weights", "input array"). */
export function readFileBytes(path: string, what: string): Uint8Array {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new NetspecError(`cannot read ${what} '${path}': ${describe(e)}`);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** An IDX file, gunzipped first when it is gzip-compressed (recognized by its magic, not its name). */
export function readIdxFile(path: string, what = 'IDX file'): IdxArray {
  let bytes = readFileBytes(path, what);
  if (isGzip(bytes)) {
    try {
      const buf = gunzipSync(bytes);
      bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      throw new NetspecError(`cannot read ${what} '${path}': corrupt gzip data (${(e as Error).message})`);
    }
  }
  return readIdx(bytes, path);
}

let tempCounter = 0;

/**
 * Writes `bytes` to a temporary file in the same directory (so the rename stays on one file
 * system), flushes it to disk, and renames it over `path`: readers see the old file or the
 * whole new one, never half of it. On failure the temporary file is removed.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, what = 'file'): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${tempCounter++}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) {
      try { closeSync(fd); } catch { /* already failing */ }
    }
    try { unlinkSync(temp); } catch { /* never created */ }
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? `directory '${dirname(path)}' does not exist` : describe(e);
    throw new NetspecError(`cannot write ${what} '${path}': ${why}`);
  }
}
