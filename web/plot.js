// Drawing helpers: the live loss plot (a canvas) and the ten class-probability bars (DOM).

export class LossPlot {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.losses = [];
    this.pending = false;
    this.draw();
  }

  reset() {
    this.losses = [];
    this.draw();
  }

  push(loss) {
    this.losses.push(loss);
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    const { canvas, losses } = this;
    const dpr = window.devicePixelRatio || 1;
    const cssW = canvas.clientWidth || canvas.width, cssH = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(cssW * dpr)) {
      canvas.width = Math.round(cssW * dpr);
      canvas.height = Math.round(cssH * dpr);
    }
    const c = canvas.getContext('2d');
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.clearRect(0, 0, cssW, cssH);
    const left = 44, right = 10, top = 10, bottom = 24;
    const w = cssW - left - right, h = cssH - top - bottom;
    const finite = losses.filter(Number.isFinite);
    const yMax = niceCeil(Math.max(0.5, ...finite.slice(0, 20), ...(finite.length ? [] : [2.5])));
    const xMax = Math.max(10, losses.length);
    const X = (i) => left + (w * i) / xMax;
    const Y = (v) => top + h - (h * Math.min(v, yMax)) / yMax;

    c.font = '11px system-ui, sans-serif';
    c.fillStyle = '#8a93a6';
    c.strokeStyle = '#2b3242';
    c.lineWidth = 1;
    for (let k = 0; k <= 4; k++) {
      const v = (yMax * k) / 4;
      c.beginPath();
      c.moveTo(left, Y(v));
      c.lineTo(left + w, Y(v));
      c.stroke();
      c.textAlign = 'right';
      c.fillText(v.toFixed(2), left - 6, Y(v) + 4);
    }
    c.textAlign = 'center';
    c.fillText(`step ${losses.length}`, left + w / 2, cssH - 6);
    if (!losses.length) {
      c.fillText('loss per step appears here while training', left + w / 2, top + h / 2);
      return;
    }
    // Raw loss per step, then its exponential moving average on top.
    c.strokeStyle = 'rgba(110, 168, 254, 0.45)';
    line(c, losses, X, Y);
    const ema = [];
    let s = losses[0];
    for (const v of losses) ema.push((s = Number.isFinite(v) ? 0.9 * s + 0.1 * v : s));
    c.strokeStyle = '#6ea8fe';
    c.lineWidth = 2;
    line(c, ema, X, Y);
  }
}

function line(c, values, X, Y) {
  c.beginPath();
  values.forEach((v, i) => (i === 0 ? c.moveTo(X(i + 0.5), Y(v)) : c.lineTo(X(i + 0.5), Y(v))));
  c.stroke();
}

function niceCeil(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export class ProbBars {
  /** @param {HTMLElement} root receives ten rows: digit, bar, percentage */
  constructor(root, labels) {
    this.rows = labels.map((label) => {
      const row = document.createElement('div');
      row.className = 'bar-row';
      row.innerHTML = `<span class="bar-label">${label}</span><span class="bar-track"><span class="bar-fill"></span></span><span class="bar-value">–</span>`;
      root.append(row);
      return { row, fill: row.querySelector('.bar-fill'), value: row.querySelector('.bar-value') };
    });
  }

  /** @param {number[] | null} probs */
  show(probs) {
    const best = probs ? probs.indexOf(Math.max(...probs)) : -1;
    this.rows.forEach((r, i) => {
      const p = probs ? probs[i] : 0;
      r.fill.style.width = `${(100 * p).toFixed(1)}%`;
      r.value.textContent = probs ? `${(100 * p).toFixed(1)}%` : '–';
      r.row.classList.toggle('best', i === best);
    });
  }
}
