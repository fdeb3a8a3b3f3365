/**
 * A large multi-document manifest for the validate benchmark: the rendered booksapp target (dist/booksapp/, every
 * object of it) repeated in copies, each copy in its own namespace (booksapp-0001, ...), until the file reaches
 * the size asked for. Every copy is as valid as the original, so `validate` reads, checks and reports 0 problems.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './measure';

/** Writes the file and returns its object count. */
export function writeLargeManifest(file: string, bytes: number): { objects: number; bytes: number } {
  const dir = path.join(ROOT, 'dist', 'booksapp');
  const template = fs.readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort()
    .map((name) => fs.readFileSync(path.join(dir, name), 'utf8').replace(/^---\n/, '').trimEnd())
    .join('\n---\n');
  const perCopy = template.split('\n---\n').length;
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let copies = 0;
  try {
    while (written < bytes) {
      copies++;
      const copy = `${copies === 1 ? '' : '---\n'}${template.replace(/booksapp/g, `booksapp-${String(copies).padStart(4, '0')}`)}\n`;
      fs.writeSync(fd, copy);
      written += Buffer.byteLength(copy);
    }
  } finally {
    fs.closeSync(fd);
  }
  return { objects: copies * perCopy, bytes: written };
}
