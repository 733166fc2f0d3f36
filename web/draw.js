// The drawing pad (pointer events: mouse, pen and touch) and the conversion of a drawing to
// a 28×28 input prepared the way MNIST's digits were: the ink's bounding box scaled (aspect
// kept, area-averaged, so anti-aliased) to fit a 20×20 box, then placed in the 28×28 field so
// that its center of mass sits at the center.

const INK_THRESHOLD = 0.05;

export class DrawPad {
  /** @param {HTMLCanvasElement} canvas @param {() => void} onChange called (at most once a frame) while drawing */
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.onChange = onChange;
    this.brush = Math.round(canvas.width * 0.08);
    this.last = null;
    this.pending = false;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = this.point(e);
      this.stroke(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (this.last === null) return;
      // Coalesced events keep fast strokes smooth where the browser batches pointer moves.
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
      for (const ev of events.length ? events : [e]) {
        const p = this.point(ev);
        this.stroke(this.last, p);
        this.last = p;
      }
    });
    const end = () => {
      if (this.last === null) return;
      this.last = null;
      this.changed();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  point(e) {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * this.canvas.width) / r.width, y: ((e.clientY - r.top) * this.canvas.height) / r.height };
  }

  stroke(a, b) {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = this.brush;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    if (a.x === b.x && a.y === b.y) {
      // A tap: a dot (a zero-length line may draw nothing).
      c.fillStyle = '#fff';
      c.arc(a.x, a.y, this.brush / 2, 0, 2 * Math.PI);
      c.fill();
    } else {
      c.moveTo(a.x, a.y);
      c.lineTo(b.x, b.y);
      c.stroke();
    }
    this.changed();
  }

  changed() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.onChange();
    });
  }

  clear() {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.changed();
  }

  /** Shows a 28×28 digit (values in [0, 1]) scaled up to the pad, smoothed as a pen would draw it. */
  showDigit(pixels) {
    const small = document.createElement('canvas');
    small.width = small.height = 28;
    paintGray(small, pixels);
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.imageSmoothingQuality = 'high';
    this.ctx.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
    this.changed();
  }

  /** The drawing as MNIST input (Float32Array of 784 values in [0, 1]), or null when empty. */
  toMnist() {
    const { width: w, height: h } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, w, h).data;
    const ink = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++) ink[i] = rgba[4 * i] / 255;
    return mnistFromInk(ink, w, h);
  }
}

/** Ink intensities (w×h, [0, 1]) → the 784-value MNIST-style input, or null without ink. */
export function mnistFromInk(ink, w, h) {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x] > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale)), th = Math.max(1, Math.round(bh * scale));
  const box = areaResample(ink, w, x0, y0, bw, bh, tw, th);
  // Center of mass of the box, in its own pixel coordinates (pixel centers at i + 0.5).
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = box[y * tw + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const ox = Math.round(14 - mx / mass), oy = Math.round(14 - my / mass);
  const out = new Float32Array(784);
  for (let y = 0; y < th; y++) {
    const ty = y + oy;
    if (ty < 0 || ty >= 28) continue;
    for (let x = 0; x < tw; x++) {
      const tx = x + ox;
      if (tx >= 0 && tx < 28) out[ty * 28 + tx] = Math.min(1, box[y * tw + x]);
    }
  }
  return out;
}

/** Box-filter resampling of the region (x0, y0, bw, bh) of `src` (row length w) to tw×th: each output pixel averages the area it covers. */
function areaResample(src, w, x0, y0, bw, bh, tw, th) {
  const rows = new Float32Array(bh * tw); // horizontal pass: [bh, tw]
  const fx = bw / tw, fy = bh / th;
  for (let y = 0; y < bh; y++) {
    const base = (y0 + y) * w + x0;
    for (let j = 0; j < tw; j++) rows[y * tw + j] = coverageSum(src, base, 1, j * fx, Math.min(bw, (j + 1) * fx)) / fx;
  }
  const out = new Float32Array(th * tw);
  for (let j = 0; j < tw; j++) {
    for (let i = 0; i < th; i++) out[i * tw + j] = coverageSum(rows, j, tw, i * fy, Math.min(bh, (i + 1) * fy)) / fy;
  }
  return out;
}

/** Σ src[base + k·stride] · (length of [k, k+1) ∩ [start, end)). */
function coverageSum(src, base, stride, start, end) {
  let sum = 0;
  for (let k = Math.floor(start); k < end; k++) {
    const cover = Math.min(end, k + 1) - Math.max(start, k);
    if (cover > 0) sum += src[base + k * stride] * cover;
  }
  return sum;
}

/** Paints 28×28 values in [0, 1] (white on black) into a 28×28 canvas; CSS scales it up. */
export function paintGray(canvas, pixels) {
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.max(0, Math.min(255, Math.round((pixels ? pixels[i] : 0) * 255)));
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
