#!/usr/bin/python3
"""Make the PyTorch reference fixtures for the three shipped networks.

Run from anywhere with Debian's PyTorch (only works with the system interpreter):

    /usr/bin/python3 test/reference/make_fixtures.py

For each network (cnn, rnn, autoencoder) it writes, into test/reference/<net>/:

    init.safetensors    initial weights (PyTorch default init, after torch.manual_seed(SEED))
    grads.safetensors   d(loss)/d(param) on the first batch (samples 0..3), same names
    after3.safetensors  weights after 3 optimizer steps from init (step k: samples 4k..4k+3)
    after3_f64.safetensors  the same 3 steps computed in float64 from the same init and data, stored as float32
    x.npy               inputs, float32 [12, ...input shape]
    y.npy               targets: int64 [12] class indices, or float32 [12, 784] (autoencoder: = x)
    output.npy          forward output on the first batch, float32 [4, out]
    expected.json       {"loss", "losses3", "batch", "seed", "torch"}

Per network the random stream is used in this order: torch.manual_seed(SEED), build the
model (default init), then X, then Y. The output is byte-for-byte deterministic.
"""

import copy
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

SEED = 0  # the same seed for every network; each network re-seeds before it starts
N_SAMPLES = 12
BATCH = 4
STEPS = 3
OUT_ROOT = os.path.dirname(os.path.abspath(__file__))

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
torch.set_default_dtype(torch.float32)


# ---------------------------------------------------------------- networks

class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(3136, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):                                         # [B,3,28,28]
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2, 2)     # [B,32,14,14]
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)        # [B,64,7,7]
        x = torch.flatten(x, 1)                                   # [B,3136]
        return self.fc2(torch.relu(self.fc1(x)))                  # [B,10]


class Rnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=10, hidden_size=8, num_layers=2, batch_first=True)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):                  # [B,16,10]
        out, _ = self.lstm(x)              # [B,16,8] (top layer, every step)
        return self.fc(out[:, -1, :])      # last step [B,8] → [B,2]


class Autoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(784, 400), nn.ReLU(),
            nn.Linear(400, 300), nn.ReLU(),
            nn.Linear(300, 300), nn.ReLU(),
        )
        self.decoder = nn.Sequential(
            nn.Linear(300, 300), nn.ReLU(),
            nn.Linear(300, 400), nn.ReLU(),
            nn.Linear(400, 784),
        )

    def forward(self, x):                  # [B,784]
        return self.decoder(self.encoder(x))


def make_cnn_data():
    x = torch.randn(N_SAMPLES, 3, 28, 28)
    y = torch.randint(0, 10, (N_SAMPLES,), dtype=torch.int64)
    return x, y


def make_rnn_data():
    x = torch.randn(N_SAMPLES, 16, 10)
    y = torch.randint(0, 2, (N_SAMPLES,), dtype=torch.int64)
    return x, y


def make_autoencoder_data():
    x = torch.rand(N_SAMPLES, 784)
    return x, x.clone()


NETWORKS = [
    # name, model class, data, loss, optimizer factory, expected parameter count, keys
    dict(name='cnn', model=Cnn, data=make_cnn_data, loss=nn.CrossEntropyLoss,
         optimizer=lambda ps: torch.optim.SGD(ps, lr=0.001, momentum=0.9),
         params=422218,
         keys=['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias',
               'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']),
    dict(name='rnn', model=Rnn, data=make_rnn_data, loss=nn.CrossEntropyLoss,
         optimizer=lambda ps: torch.optim.Adam(ps, lr=0.001),
         params=1234,
         keys=[f'lstm.{w}_l{k}' for k in (0, 1)
               for w in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')]
              + ['fc.weight', 'fc.bias']),
    dict(name='autoencoder', model=Autoencoder, data=make_autoencoder_data, loss=nn.MSELoss,
         optimizer=lambda ps: torch.optim.Adam(ps, lr=0.001),
         params=1049684,
         keys=[f'{part}.{i}.{w}' for part in ('encoder', 'decoder') for i in (0, 2, 4)
               for w in ('weight', 'bias')]),
]


# ---------------------------------------------------------------- file formats

def encode_safetensors(tensors):
    """safetensors bytes: u64 LE header length, JSON header padded with spaces to a multiple
    of 8, then the raw little-endian float32 (F32) or float64 (F64) data, tensors in sorted-name order."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach()
        assert t.dtype in (torch.float32, torch.float64), f'internal: {name} is {t.dtype}'
        code, np_type = ('F32', '<f4') if t.dtype == torch.float32 else ('F64', '<f8')
        data = t.contiguous().numpy().astype(np_type, copy=False).tobytes(order='C')
        header[name] = {'dtype': code, 'shape': list(t.shape),
                        'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(',', ':')).encode('utf-8')
    head += b' ' * (-len(head) % 8)
    return struct.pack('<Q', len(head)) + head + b''.join(chunks)


def decode_safetensors(buf):
    (n,) = struct.unpack('<Q', buf[:8])
    header = json.loads(buf[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        b, e = info['data_offsets']
        np_type = '<f4' if info['dtype'] == 'F32' else '<f8'
        out[name] = np.frombuffer(buf[base + b:base + e], dtype=np_type).reshape(info['shape'])
    return out


def encode_npy(array):
    """.npy version 1.0, C order, little-endian."""
    array = np.ascontiguousarray(array)
    descr = {np.dtype(np.float32): '<f4', np.dtype(np.int64): '<i8'}[array.dtype]
    array = array.astype(descr, copy=False)
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %r, }" % (descr, tuple(array.shape))
    # magic(6) + version(2) + u16 length(2) + header, padded so the data starts at a multiple of 64
    pad = -(10 + len(header) + 1) % 64
    header = header + ' ' * pad + '\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode('latin1') \
        + array.tobytes(order='C')


def write(path, data):
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------- generation

def state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def make(net):
    name = net['name']
    torch.manual_seed(SEED)
    model = net['model']()
    x, y = net['data']()
    loss_fn = net['loss']()

    keys = list(model.state_dict().keys())
    assert keys == net['keys'], f'{name}: state_dict keys {keys}'
    assert [k for k, _ in model.named_parameters()] == keys, f'{name}: buffers in state_dict'
    count = sum(p.numel() for p in model.parameters())
    print(f'{name}: {count} parameters')
    assert count == net['params'], f'{name}: expected {net["params"]} parameters, got {count}'

    init = state(model)

    # First batch: forward, loss, backward.
    model.train()
    model.zero_grad(set_to_none=True)
    output = model(x[:BATCH])
    loss = loss_fn(output, y[:BATCH])
    loss.backward()
    grads = {k: p.grad.detach().clone() for k, p in model.named_parameters()}
    output = output.detach().clone()

    # Three steps from the same initial weights with a fresh optimizer.
    model.load_state_dict(copy.deepcopy(init))
    model.zero_grad(set_to_none=True)
    opt = net['optimizer'](model.parameters())
    losses3 = []
    for k in range(STEPS):
        xb, yb = x[k * BATCH:(k + 1) * BATCH], y[k * BATCH:(k + 1) * BATCH]
        opt.zero_grad()
        step_loss = loss_fn(model(xb), yb)
        step_loss.backward()
        opt.step()
        losses3.append(float(step_loss.item()))
    after3 = state(model)
    assert losses3[0] == float(loss.item()), f'{name}: step 0 loss differs from first-batch loss'

    # The same three steps in float64 from the same (float32) initial weights and data: the
    # exact result that float32 implementations approximate, each with its own rounding.
    model64 = copy.deepcopy(model).double()
    model64.load_state_dict({k: v.double() for k, v in init.items()})
    opt64 = net['optimizer'](model64.parameters())
    x64 = x.double()
    y64 = y if y.dtype == torch.int64 else y.double()
    losses3_f64 = []
    for k in range(STEPS):
        xb, yb = x64[k * BATCH:(k + 1) * BATCH], y64[k * BATCH:(k + 1) * BATCH]
        opt64.zero_grad()
        step_loss = loss_fn(model64(xb), yb)
        step_loss.backward()
        opt64.step()
        losses3_f64.append(float(step_loss.item()))
    after3_f64 = state(model64)
    after3_f64_stored = {k: v.float() for k, v in after3_f64.items()}  # 6e-8 relative: far below the metric
    # How far PyTorch's own float32 run lands from the float64 one, in the parity metric
    # max|a − b| / max|b − init|: the rounding noise floor of this network's 3 steps.
    moved = max((after3_f64[k] - init[k].double()).abs().max().item() for k in keys)
    spread = max((after3[k].double() - after3_f64[k]).abs().max().item() for k in keys) / moved

    out_dir = os.path.join(OUT_ROOT, name)
    os.makedirs(out_dir, exist_ok=True)
    for fname, tensors in (('init', init), ('grads', grads), ('after3', after3), ('after3_f64', after3_f64_stored)):
        buf = encode_safetensors(tensors)
        back = decode_safetensors(buf)
        assert sorted(back) == sorted(tensors)
        for k, t in tensors.items():
            assert np.array_equal(back[k], t.numpy()), f'internal: {fname}/{k} round trip'
        write(os.path.join(out_dir, f'{fname}.safetensors'), buf)
    y_np = y.numpy() if y.dtype == torch.int64 else y.numpy().astype(np.float32)
    for fname, arr in (('x', x.numpy()), ('y', y_np), ('output', output.numpy())):
        buf = encode_npy(arr)
        path = os.path.join(out_dir, f'{fname}.npy')
        write(path, buf)
        assert np.array_equal(np.load(path, allow_pickle=False), arr), f'internal: {fname}.npy'
    expected = {'loss': float(loss.item()), 'losses3': losses3, 'losses3_f64': losses3_f64,
                'torch_f32_vs_f64_after3': spread, 'batch': BATCH,
                'seed': SEED, 'torch': torch.__version__}
    write(os.path.join(out_dir, 'expected.json'),
          (json.dumps(expected, indent=2) + '\n').encode('utf-8'))
    print(f'{name}: loss {expected["loss"]!r}, losses3 {losses3!r}')


def main():
    for net in NETWORKS:
        make(net)
    return 0


if __name__ == '__main__':
    sys.exit(main())
