// Draws the console's app icons (a white bell on Tocsin's red) into web/static/icons/ as PNGs, with
// Node's zlib alone: `node scripts/icons.mjs`. The PNGs are committed; run this again only to redraw.
import { mkdirSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

const RED = [0xb9, 0x1c, 0x1c];
const WHITE = [0xff, 0xff, 0xff];
const OUT = 'web/static/icons';
/** Samples per pixel side, for smooth edges. */
const SAMPLES = 4;

/** The bell, in a unit square centred on (0.5, 0.5): dome, flared body, rim, clapper and knob. */
function bell(x, y) {
  const dx = Math.abs(x - 0.5);
  const within = (cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  if (y <= 0.42 && within(0.5, 0.42, 0.2)) return true;
  if (y > 0.42 && y <= 0.62) return dx <= 0.2 + ((y - 0.42) / 0.2) * 0.06;
  if (y > 0.62 && y <= 0.67) return dx <= 0.3;
  return within(0.5, 0.73, 0.06) || within(0.5, 0.21, 0.04);
}

/** A rounded square filling the icon; a maskable icon fills it all, as the platform crops it. */
function backdrop(x, y, corner) {
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - corner), 0);
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - corner), 0);
  return qx * qx + qy * qy <= corner * corner;
}

/** RGBA pixels: `scale` shrinks the bell towards the centre, for a maskable icon's safe zone. */
function draw(size, { corner, scale }) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let ink = 0;
      let cover = 0;
      for (let s = 0; s < SAMPLES * SAMPLES; s++) {
        const x = (px + ((s % SAMPLES) + 0.5) / SAMPLES) / size;
        const y = (py + (Math.floor(s / SAMPLES) + 0.5) / SAMPLES) / size;
        if (!backdrop(x, y, corner)) continue;
        cover++;
        if (bell(0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale)) ink++;
      }
      const at = (py * size + px) * 4;
      const white = cover === 0 ? 0 : ink / cover;
      for (let c = 0; c < 3; c++) pixels[at + c] = Math.round(RED[c] + (WHITE[c] - RED[c]) * white);
      pixels[at + 3] = Math.round((255 * cover) / (SAMPLES * SAMPLES));
    }
  }
  return pixels;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** PNG, 8-bit RGBA, no filter on any row. */
function png(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const [name, size, style] of [
  ['icon-192.png', 192, { corner: 0.18, scale: 1 }],
  ['icon-512.png', 512, { corner: 0.18, scale: 1 }],
  ['maskable-512.png', 512, { corner: 0, scale: 0.8 }],
]) {
  writeFileSync(`${OUT}/${name}`, png(size, draw(size, style)));
}
