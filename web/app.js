// The demo page: the compiled mnist-cnn classifies what is drawn, the compiled autoencoder
// reconstructs it, and "Train here" trains the CNN in the page on a slice of MNIST.
// Everything comes from this server (models, weights, data): the page works offline.
import { digitInto, loadSlice } from './data.js';
import { DrawPad, paintGray } from './draw.js';
import { LossPlot, ProbBars } from './plot.js';
import { evaluate, softmax, trainInSlices } from './train.js';

const $ = (id) => document.getElementById(id);

/** What the page shows, for people and for the end-to-end test. */
const state = {
  ready: false,
  error: null,
  target: null,
  weights: null,
  trainedAccuracy: null,
  prediction: null,
  reconstruction: null,
  train: { running: false, done: false, step: 0, losses: [], samplesPerSec: 0, seconds: 0, testAccuracy: null },
};
window.netspec = state;

const fail = (e) => {
  state.error = String(e?.message ?? e);
  $('status').textContent = `Error: ${state.error}`;
  $('status').classList.add('error');
  console.error(e);
};
window.addEventListener('error', (e) => fail(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => fail(e.reason));

/** The safetensors bytes at `url`, or null when the server has none. */
async function fetchBytes(url) {
  const res = await fetch(url);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** A model instance from a compiled module folder: the WebAssembly target where the folder has it. */
async function instantiate(mod, options) {
  if (typeof mod.wasmModule === 'function') {
    try {
      return { model: await mod.createModel({ ...options, target: 'wasm' }), target: 'wasm' };
    } catch (e) {
      console.warn('wasm target unavailable, using the TypeScript target:', e);
    }
  }
  return { model: await mod.createModel(options), target: 'ts' };
}

let cnnModule, cnn, ae, weights, data, pad, bars, plot, trainer;

async function main() {
  const [cnnMod, aeMod, cnnWeights, aeWeights, slice] = await Promise.all([
    import('./models/mnist-cnn/index.js'),
    import('./models/autoencoder/index.js'),
    fetchBytes('weights/mnist-cnn.safetensors'),
    fetchBytes('weights/autoencoder.safetensors'),
    loadSlice('data/mnist-slice.bin'),
  ]);
  cnnModule = cnnMod;
  weights = cnnWeights;
  data = slice;
  const made = await instantiate(cnnMod, { maxBatch: 64, seed: 1 });
  cnn = made.model;
  if (cnnWeights) cnn.loadWeights(cnnWeights, 'weights/mnist-cnn.safetensors');
  ae = (await instantiate(aeMod, { maxBatch: 1, seed: 1 })).model;
  if (aeWeights) ae.loadWeights(aeWeights, 'weights/autoencoder.safetensors');
  state.target = made.target;
  state.weights = cnnWeights ? 'trained' : 'initial';

  const fmt = (v) => v.toLocaleString('en-US');
  $('status').textContent =
    `mnist-cnn: ${fmt(cnn.info.paramCount)} parameters, ${fmt(cnn.info.flopsPerSample)} FLOPs per digit · ` +
    `autoencoder: ${fmt(ae.info.paramCount)} parameters · target: ${made.target === 'wasm' ? 'WebAssembly' : 'TypeScript (JavaScript)'} · ` +
    (cnnWeights && aeWeights ? 'trained weights loaded' : 'no trained weights found (web/weights/): initial weights');
  $('footer').textContent =
    `Models compiled by netspec from specs/mnist-cnn.yaml and specs/autoencoder.yaml; MNIST slice: ${fmt(data.train.n)} training and ${fmt(data.test.n)} test digits.`;
  $('test-count').textContent = String(data.test.n);

  pad = new DrawPad($('pad'), predict);
  bars = new ProbBars($('bars'), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  plot = new LossPlot($('loss-plot'));
  $('clear').onclick = () => pad.clear();
  $('sample').onclick = showTestDigit;
  $('train').onclick = startTraining;
  $('stop').onclick = () => trainer?.stop();
  $('restore').onclick = restoreTrained;
  for (const id of ['sample', 'train', 'restore']) $(id).disabled = false;
  $('restore').disabled = !cnnWeights;
  predict();
  state.ready = true;

  const accuracy = await evaluate(cnn, data.test);
  state.trainedAccuracy = accuracy;
  if (!state.train.running) $('stat-acc').textContent = `${(100 * accuracy).toFixed(1)}% (${state.weights} weights)`;
}

/** Classifies and reconstructs the current drawing. */
function predict() {
  const x = pad.toMnist();
  paintGray($('input28'), x);
  if (!x) {
    bars.show(null);
    $('predicted').textContent = '–';
    $('confidence').textContent = '';
    paintGray($('recon'), null);
    state.prediction = state.reconstruction = null;
    return;
  }
  const probs = softmax(cnn.forward(x, 1));
  const label = probs.indexOf(Math.max(...probs));
  bars.show(probs);
  $('predicted').textContent = String(label);
  $('confidence').textContent = `(${(100 * probs[label]).toFixed(1)}%)`;
  state.prediction = { label, probs };

  // The autoencoder through its two blocks, each callable alone: 784 → code → 784.
  const code = Float32Array.from(ae.blocks.encoder.forward(x, 1));
  const recon = Float32Array.from(ae.blocks.decoder.forward(code, 1), (v) => Math.min(1, Math.max(0, v)));
  paintGray($('recon'), recon);
  let ink = 0;
  for (const v of recon) ink += v;
  state.reconstruction = { ink, codeSize: code.length };
}

function showTestDigit() {
  const k = Math.floor(Math.random() * data.test.n);
  pad.clear();
  pad.showDigit(digitInto(data.test, k, new Float32Array(784)));
  $('sample').title = `MNIST test digit #${k}, labeled ${data.test.labels[k]}`;
}

function setTraining(running) {
  state.train.running = running;
  $('train').disabled = running;
  $('stop').disabled = !running;
  $('restore').disabled = running || !weights;
  for (const id of ['from', 'lr', 'batch', 'steps']) $(id).disabled = running;
}

async function startTraining() {
  const number = (id, min, max) => Math.min(max, Math.max(min, Number($(id).value) || min));
  const lr = number('lr', 1e-5, 10);
  const batch = Math.round(number('batch', 1, 64));
  const steps = Math.round(number('steps', 1, 100000));
  const from = $('from').value === 'trained' && weights ? 'trained' : 'fresh';
  // A new instance carries the chosen learning rate; predictions follow it from now on.
  const made = await instantiate(cnnModule, { maxBatch: 64, seed: 1, lr });
  if (from === 'trained') made.model.loadWeights(weights, 'weights/mnist-cnn.safetensors');
  cnn = made.model;
  state.weights = from === 'trained' ? 'trained, then trained here' : 'trained here';
  Object.assign(state.train, { done: false, step: 0, losses: [], samplesPerSec: 0, seconds: 0, testAccuracy: null, from, lr, batch, steps });
  plot.reset();
  $('stat-acc').textContent = '–';
  setTraining(true);
  predict();
  let lastRedraw = 0;
  trainer = trainInSlices(cnn, data.train, { batch, steps, seed: 1 }, (s) => {
    state.train.step = s.step;
    state.train.losses.push(s.loss);
    state.train.samplesPerSec = s.samplesPerSec;
    state.train.seconds = s.seconds;
    plot.push(s.loss);
    $('stat-step').textContent = `${s.step}/${steps}`;
    $('stat-loss').textContent = s.loss.toFixed(4);
    $('stat-sps').textContent = s.samplesPerSec.toFixed(1);
    if (s.seconds - lastRedraw > 0.5) {
      lastRedraw = s.seconds;
      predict();
    }
  });
  try {
    const result = await trainer.done;
    predict();
    $('stat-acc').textContent = 'evaluating…';
    const accuracy = await evaluate(cnn, data.test);
    state.train.testAccuracy = accuracy;
    $('stat-acc').textContent = `${(100 * accuracy).toFixed(1)}% after ${result.steps} steps (${result.samples} samples, ${result.seconds.toFixed(1)} s)`;
  } finally {
    state.train.done = true;
    setTraining(false);
  }
}

async function restoreTrained() {
  const made = await instantiate(cnnModule, { maxBatch: 64, seed: 1 });
  made.model.loadWeights(weights, 'weights/mnist-cnn.safetensors');
  cnn = made.model;
  state.weights = 'trained';
  predict();
  if (state.trainedAccuracy !== null) $('stat-acc').textContent = `${(100 * state.trainedAccuracy).toFixed(1)}% (trained weights)`;
}

main().catch(fail);
