// Reading a QR code from the camera, a photo or a PDF's first page, with zxing-cpp (WebAssembly)
// and pdf.js, both served from the platform itself (never a CDN).
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";

const OPTIONS = { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 4 };
const MAX_SIDE = 2400; // a phone's 12-megapixel photo is scaled down to this before decoding
const PDF_SCALE = 200 / 72; // page 1 drawn at 200 dpi: the printed 30 mm code gets ~7 px a module

let prepared = false;
function prepare(urls) {
  if (prepared) return;
  prepareZXingModule({
    overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? urls.qrWasm : prefix + path) },
  });
  prepared = true;
}

// The texts of the QR codes in a picture (ImageData), Campus codes first.
export async function codesIn(imageData, urls) {
  prepare(urls);
  const found = await readBarcodes(imageData, OPTIONS);
  const texts = found.filter((r) => r.isValid && r.text).map((r) => r.text);
  return texts.sort((a, b) => Number(b.startsWith("CAMPUS1:")) - Number(a.startsWith("CAMPUS1:")));
}

function pixels(source, width, height) {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

export async function codesInPhoto(file, urls) {
  const bitmap = await createImageBitmap(file);
  try {
    return await codesIn(pixels(bitmap, bitmap.width, bitmap.height), urls);
  } finally {
    bitmap.close();
  }
}

let pdfjs = null;
async function loadPdfjs(urls) {
  if (!pdfjs) {
    // pdf.js runs on this page's thread: a dedicated worker's script lies outside the service
    // worker's scope (/verify/offline/), so offline it could not start; one page is quick.
    globalThis.pdfjsWorker = await import(/* @vite-ignore */ urls.pdfWorker);
    pdfjs = await import(/* @vite-ignore */ urls.pdf);
  }
  return pdfjs;
}

// Throws "bad_pdf" when the file is no PDF.
export async function codesInPdf(file, urls) {
  const lib = await loadPdfjs(urls);
  let document;
  try {
    document = await lib.getDocument({
      data: new Uint8Array(await file.arrayBuffer()), isEvalSupported: false,
      disableFontFace: true, useSystemFonts: false, useWasm: false, enableXfa: false,
      stopAtErrors: false,
    }).promise;
  } catch {
    throw new Error("bad_pdf");
  }
  try {
    const page = await document.getPage(1);
    const viewport = page.getViewport({ scale: PDF_SCALE });
    const canvas = globalThis.document.createElement("canvas");
    canvas.width = Math.ceil(viewport.width);
    canvas.height = Math.ceil(viewport.height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    await page.render({ canvas, canvasContext: context, viewport, background: "#ffffff" }).promise;
    return await codesIn(context.getImageData(0, 0, canvas.width, canvas.height), urls);
  } finally {
    await document.destroy();
  }
}

// The camera: frames decoded a few times a second until a code is found or `stop()` is called.
export class Camera {
  constructor(video, urls, onCode) {
    Object.assign(this, { video, urls, onCode, stream: null, timer: null });
  }

  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" } }, audio: false,
    });
    this.video.srcObject = this.stream;
    await this.video.play();
    this.timer = setTimeout(() => this.tick(), 300);
  }

  async tick() {
    if (!this.stream) return;
    const { videoWidth: width, videoHeight: height } = this.video;
    if (width && height) {
      const texts = await codesIn(pixels(this.video, width, height), this.urls).catch(() => []);
      if (texts.length && this.stream) {
        this.stop();
        this.onCode(texts[0]);
        return;
      }
    }
    if (this.stream) this.timer = setTimeout(() => this.tick(), 250);
  }

  stop() {
    clearTimeout(this.timer);
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    this.stream = null;
    this.video.srcObject = null;
  }
}
