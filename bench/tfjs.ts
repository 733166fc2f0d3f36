// TensorFlow.js 4.22 runners, `cpu` and `wasm` backends, single-threaded. Models mirror the
// specs in NHWC (TF.js's layout); weights are TF.js's own init (speed does not depend on them).
// The wasm backend has no Conv2DBackpropFilter kernel, so it cannot train a conv net as
// shipped: we register one built from the forward conv2d (dW = conv(xᵀ, dyᵀ)), as a user must.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { BATCH, type Net, type Runner } from './nets.js';

let registered = false;

/** Conv2DBackpropFilter for stride 1, dilation 1, NHWC: the batch becomes the channels. */
function registerBackpropFilter(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { pad, filterShape } = attrs as unknown as { pad: 'same' | 'valid'; filterShape: [number, number, number, number] };
      const engine = tf.engine();
      const xt = engine.makeTensorFromTensorInfo(x) as tf.Tensor4D;
      const dyt = engine.makeTensorFromTensorInfo(dy) as tf.Tensor4D;
      const out = tf.tidy(() => {
        const [kh, kw] = filterShape;
        const p = pad === 'same' ? [[0, 0], [(kh - 1) >> 1, kh >> 1], [(kw - 1) >> 1, kw >> 1], [0, 0]] : [[0, 0], [0, 0], [0, 0], [0, 0]];
        // x [N,H,W,C] → [C,H,W,N]; dy [N,Ho,Wo,F] → filter [Ho,Wo,N,F]; result [C,kh,kw,F] → [kh,kw,C,F]
        const xs = tf.pad(xt, p as [number, number][]).transpose([3, 1, 2, 0]) as tf.Tensor4D;
        const f = dyt.transpose([1, 2, 0, 3]) as tf.Tensor4D;
        return tf.conv2d(xs, f, 1, 'valid').transpose([1, 2, 0, 3]);
      });
      tf.keep(out);
      return { dataId: out.dataId, shape: out.shape, dtype: out.dtype };
    },
  });
}

function build(net: Net): tf.Sequential {
  const m = tf.sequential();
  if (net.name === 'cnn') {
    const [C, H, W] = net.inShape;
    m.add(tf.layers.conv2d({ inputShape: [H, W, C], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 128, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 10 }));
  } else if (net.name === 'rnn') {
    m.add(tf.layers.lstm({ inputShape: net.inShape, units: 8, returnSequences: true }));
    m.add(tf.layers.lstm({ units: 8 }));
    m.add(tf.layers.dense({ units: 2 }));
  } else {
    const units = [400, 300, 300, 300, 400];
    units.forEach((u, k) => m.add(tf.layers.dense({ ...(k === 0 ? { inputShape: net.inShape } : {}), units: u, activation: 'relu' })));
    m.add(tf.layers.dense({ units: 784 }));
  }
  return m;
}

export async function tfjsRunner(net: Net, backend: 'cpu' | 'wasm'): Promise<Runner> {
  if (backend === 'wasm') {
    setThreadsCount(1);
    registerBackpropFilter();
  }
  await tf.setBackend(backend);
  await tf.ready();
  const model = build(net);
  const shape = net.name === 'cnn' ? [net.inShape[1], net.inShape[2], net.inShape[0]] : net.inShape;
  const x64 = tf.tensor(net.x, [BATCH, ...shape]);
  const x1 = x64.slice(0, 1);
  const y = net.classes !== undefined ? tf.oneHot(tf.tensor1d(Array.from(net.y), 'int32'), net.classes) : tf.tensor(net.y, [BATCH, ...net.outShape]);
  const optimizer = net.name === 'cnn' ? tf.train.momentum(0.001, 0.9) : tf.train.adam(0.001);
  const loss = () => {
    const out = model.apply(x64, { training: true }) as tf.Tensor;
    return net.classes !== undefined ? tf.losses.softmaxCrossEntropy(y, out) : tf.losses.meanSquaredError(y, out);
  };
  const note = backend === 'wasm' && net.name === 'cnn' ? 'Conv2DBackpropFilter registered from forward conv2d (missing in tfjs-backend-wasm)' : undefined;
  return {
    note,
    trainStep: () => tf.tidy(() => optimizer.minimize(loss as () => tf.Scalar, true)!.dataSync()),
    infer1: () => tf.tidy(() => (model.predict(x1) as tf.Tensor).dataSync()),
    infer64: () => tf.tidy(() => (model.predict(x64) as tf.Tensor).dataSync()),
    dispose: () => {
      tf.dispose([x64, x1, y]);
      model.dispose();
      optimizer.dispose();
    },
  };
}
