import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { robotoFiles } from '../fonts.js';

/**
 * Draws an SVG as a PNG `width` pixels wide, with resvg, on a thread of its own. resvg frees a picture's pixels (~4 MB
 * at the report's width) only once its JavaScript objects are collected, which a thread allocating little JavaScript
 * seldom does: drawn on libuv's threads, as before, the pictures of a 100-town report stayed in memory (a full build
 * of 100 towns peaked at 1.8 GB; now 1 GB), and this thread spent ~0.3 s encoding the eight towns' PNGs. The PNG is
 * drawn with our Roboto files only, never system fonts, so it is the same on every machine.
 */
export function drawPng(svg: string, width: number): Promise<Buffer> {
  const drawer = (current ??= startDrawer());
  const id = drawer.next++;
  if (drawer.pending.size === 0) drawer.worker.ref();
  return new Promise<Buffer>((resolve, reject) => {
    drawer.pending.set(id, { resolve, reject });
    drawer.worker.postMessage({ id, svg, width });
  });
}

interface Drawer {
  worker: Worker;
  pending: Map<number, { resolve: (png: Buffer) => void; reject: (error: Error) => void }>;
  next: number;
}
let current: Drawer | undefined;

// CommonJS run from a string, so the same thread code serves the compiled pipeline and the tests (which run the
// TypeScript sources, where no compiled worker file sits beside this one).
const drawerCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { Resvg } = require(workerData.resvg);
require('node:v8').setFlagsFromString('--expose-gc');
const collect = require('node:vm').runInNewContext('gc');
// A picture's pixels are freed when its resvg objects are collected and the event loop then turns: one picture
// per turn, each followed by a collection, or a queue of pictures would all stay in memory until the last is drawn.
const queue = [];
const drawNext = () => {
  const { id, svg, width } = queue.shift();
  try {
    const png = new Resvg(svg, { fitTo: { mode: 'width', value: width }, font: workerData.font }).render().asPng();
    parentPort.postMessage({ id, png });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
  collect({ type: 'minor' });
  if (queue.length > 0) setImmediate(drawNext);
};
parentPort.on('message', (request) => {
  if (queue.push(request) === 1) setImmediate(drawNext);
});
`;

function startDrawer(): Drawer {
  const workerData = {
    resvg: createRequire(import.meta.url).resolve('@resvg/resvg-js'),
    font: { loadSystemFonts: false, fontFiles: Object.values(robotoFiles), defaultFontFamily: 'Roboto' },
  };
  const drawer: Drawer = { worker: new Worker(drawerCode, { eval: true, workerData }), pending: new Map(), next: 0 };
  // Kept only while it has pictures to draw: an idle drawer does not keep the process from ending.
  drawer.worker.unref();
  drawer.worker.on('message', ({ id, png, error }: { id: number; png?: Uint8Array; error?: string }) => {
    const request = drawer.pending.get(id);
    drawer.pending.delete(id);
    if (drawer.pending.size === 0) drawer.worker.unref();
    if (png) request?.resolve(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
    else request?.reject(new Error(`the PNG fallback could not be drawn: ${error}`));
  });
  const fail = (error: Error) => {
    if (current === drawer) current = undefined;
    for (const request of drawer.pending.values()) request.reject(error);
    drawer.pending.clear();
  };
  drawer.worker.on('error', fail);
  drawer.worker.on('exit', (code) => fail(new Error(`the PNG fallback drawer stopped (exit code ${code})`)));
  return drawer;
}
