// QR codes for the receipt tests: a PNG (a photo of the receipt) and a Y4M video (what a fake camera shows).
import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';
import { PNG } from 'pngjs';

export async function qrPng(text, file) {
  await QRCode.toFile(file, text, { errorCorrectionLevel: 'M', margin: 4, scale: 6 });
  return file;
}

/**
 * A Y4M file (what Chromium's --use-file-for-fake-video-capture plays) of `frames` identical 640×480 frames: the
 * QR code of `text`, centred on white.
 */
export async function qrY4m(text, file, { width = 640, height = 480, frames = 10 } = {}) {
  const png = PNG.sync.read(await QRCode.toBuffer(text, { errorCorrectionLevel: 'M', margin: 4, scale: 4 }));
  if (png.width > width || png.height > height) throw new Error(`QR ${png.width}×${png.height} does not fit ${width}×${height}`);
  const y = Buffer.alloc(width * height, 255);
  const ox = (width - png.width) >> 1;
  const oy = (height - png.height) >> 1;
  for (let row = 0; row < png.height; row++) {
    for (let col = 0; col < png.width; col++) {
      const i = (row * png.width + col) * 4;
      y[(oy + row) * width + ox + col] = Math.round(0.299 * png.data[i] + 0.587 * png.data[i + 1] + 0.114 * png.data[i + 2]);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array(frames).fill(frame)]));
  return file;
}
