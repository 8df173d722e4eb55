/**
 * Reading a receipt's QR code: live from the camera where the browser allows it (getUserMedia in a secure
 * context; the BarcodeDetector API when the browser has one, jsQR otherwise), or from a photo of the receipt
 * (every browser). jsQR is loaded only when needed.
 */

let jsQrModule = null;
async function jsQr() {
  jsQrModule ??= import('jsqr').then((m) => m.default);
  return jsQrModule;
}

export function cameraAvailable() {
  return Boolean(window.isSecureContext && navigator.mediaDevices?.getUserMedia);
}

async function detector() {
  if ('BarcodeDetector' in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) return new window.BarcodeDetector({ formats: ['qr_code'] });
    } catch {
      // fall through to jsQR
    }
  }
  return null;
}

/** Decodes the QR code in an image source drawn onto `canvas`; the text or null. */
async function decodeFrom(source, width, height, canvas, native) {
  if (native) {
    const found = await native.detect(source).catch(() => []);
    if (found.length) return found[0].rawValue;
  }
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(source, 0, 0, width, height);
  const decode = await jsQr();
  const result = decode(ctx.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: 'attemptBoth' });
  return result?.data ?? null;
}

/** The QR text in an image file (a photo of the receipt), or null when none is found. */
export async function decodeImageFile(file) {
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    return await decodeFrom(bitmap, Math.round(bitmap.width * scale), Math.round(bitmap.height * scale), document.createElement('canvas'), await detector());
  } finally {
    bitmap.close?.();
  }
}

/**
 * Scans from the camera into `video` until a code is read or `signal` aborts; resolves with the text (null
 * when aborted). Camera tracks are always stopped at the end.
 */
export async function scanCamera(video, signal) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  const canvas = document.createElement('canvas');
  const native = await detector();
  try {
    video.srcObject = stream;
    await video.play();
    while (!signal.aborted) {
      if (video.videoWidth > 0) {
        const scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight));
        const text = await decodeFrom(video, Math.round(video.videoWidth * scale), Math.round(video.videoHeight * scale), canvas, native);
        if (text) return text;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    return null;
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}
