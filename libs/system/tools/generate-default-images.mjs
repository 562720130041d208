// Draws Atrium's default images into apps/api/static/ (run from the repository root):
//   node libs/system/tools/generate-default-images.mjs
// Original artwork, no dependencies: shapes are rasterised with 4x4 supersampling and written
// as RGBA PNGs with node:zlib. favicon.ico wraps the 32 px PNG; favicon.svg is the vector form.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const OUT = join(process.cwd(), 'apps/api/static');

const INDIGO = [79, 70, 229];
const WHITE = [255, 255, 255];
const SLATE = [30, 41, 59];
const GREY_LIGHT = [226, 232, 240];
const GREY_DARK = [148, 163, 184];

// --- PNG encoding ---------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- Drawing ---------------------------------------------------------------------------------
/** Layers: [{color, inside(x, y) in unit coordinates 0..1}], painted in order. */
function render(size, layers) {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          let color;
          for (const layer of layers) if (layer.inside(x, y)) color = layer.color;
          if (color) {
            r += color[0];
            g += color[1];
            b += color[2];
            a += 1;
          }
        }
      }
      const offset = (py * size + px) * 4;
      const total = samples * samples;
      pixels[offset] = a ? Math.round(r / a) : 0;
      pixels[offset + 1] = a ? Math.round(g / a) : 0;
      pixels[offset + 2] = a ? Math.round(b / a) : 0;
      pixels[offset + 3] = Math.round((a / total) * 255);
    }
  }
  return encodePng(size, pixels);
}

const circle = (cx, cy, radius) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
const ellipse = (cx, cy, rx, ry) => (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
const both = (f, g) => (x, y) => f(x, y) && g(x, y);

/** The Atrium mark: a disc with an open inner court (a ring) and a centre stone. */
function mark(fill, court) {
  return [
    { color: fill, inside: circle(0.5, 0.5, 0.48) },
    { color: court, inside: circle(0.5, 0.5, 0.3) },
    { color: fill, inside: circle(0.5, 0.5, 0.19) },
  ];
}

/** A neutral avatar: grey disc, head and shoulders clipped to the disc. */
const avatar = [
  { color: GREY_LIGHT, inside: circle(0.5, 0.5, 0.5) },
  { color: GREY_DARK, inside: circle(0.5, 0.4, 0.18) },
  { color: GREY_DARK, inside: both(circle(0.5, 0.5, 0.5), ellipse(0.5, 0.98, 0.34, 0.3)) },
];

function icoFromPng(png, size) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  const entry = Buffer.alloc(16);
  entry[0] = size;
  entry[1] = size;
  entry.writeUInt16LE(1, 4); // colour planes
  entry.writeUInt16LE(32, 6); // bits per pixel
  entry.writeUInt32LE(png.length, 8);
  entry.writeUInt32LE(6 + 16, 12);
  return Buffer.concat([header, entry, png]);
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
  <circle cx="50" cy="50" r="48" fill="rgb(${INDIGO})"/>
  <circle cx="50" cy="50" r="30" fill="rgb(${WHITE})"/>
  <circle cx="50" cy="50" r="19" fill="rgb(${INDIGO})"/>
</svg>
`;

mkdirSync(OUT, { recursive: true });
const files = {
  'favicon.png': render(128, mark(INDIGO, WHITE)),
  'favicon-96x96.png': render(96, mark(INDIGO, WHITE)),
  'favicon-dark.png': render(128, mark(WHITE, SLATE)),
  'apple-touch-icon.png': render(180, mark(INDIGO, WHITE)),
  'logo.png': render(500, mark(INDIGO, WHITE)),
  'splash.png': render(256, mark(SLATE, WHITE)),
  'splash-dark.png': render(256, mark(WHITE, SLATE)),
  'user.png': render(256, avatar),
  'favicon.ico': icoFromPng(render(32, mark(INDIGO, WHITE)), 32),
  'favicon.svg': Buffer.from(svg),
};
for (const [name, data] of Object.entries(files)) {
  writeFileSync(join(OUT, name), data);
  console.log(`${name}: ${data.length} bytes`);
}
