#!/usr/bin/env python3
"""Makes the PyTorch-exported ONNX fixtures of test/onnx/torch-import.test.ts.

Run with Debian's python3-torch and python3-onnx (apt-get install python3-torch python3-onnx):

    /usr/bin/python3 test/onnx/make_torch_onnx.py [OUT_DIR]    # default: test/onnx/fixtures

For each model it writes NAME_opset13.onnx and NAME_opset17.onnx (torch.onnx.export, a dynamic
batch dimension, input 'x' and output 'y'), NAME_x.npy (a fixed float32 input, batch 3) and
NAME_y.npy (PyTorch's output on it, eval mode). The models use only ops netspec has, in the
ways PyTorch modules write them:

- conv: nn.Sequential features (Conv2d with padding, ReLU, Dropout, MaxPool2d, a
  rectangular strided Conv2d without bias, Tanh, AvgPool2d with padding (exported as Pad +
  AveragePool)), x.reshape(x.shape[0], -1) (Shape/Gather/Concat/Reshape), Linear, sigmoid,
  softmax;
- lstm: a 2-layer batch_first nn.LSTM classifier on out[:, -1, :] (Transpose, Slice of zero
  initial states, LSTM, Squeeze, Gather);
- lstm_hn: the same on the final hidden state h_n[-1], through a ReLU.
"""
import pathlib
import sys
import warnings

import numpy as np
import torch
from torch import nn

warnings.filterwarnings('ignore')


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.MaxPool2d(2),
            nn.Conv2d(4, 6, (3, 2), stride=(1, 2), bias=False),
            nn.Tanh(),
            nn.AvgPool2d(3, stride=1, padding=1),
        )
        self.fc1 = nn.Linear(6 * 2 * 2, 5)

    def forward(self, x):
        x = self.features(x)
        x = x.reshape(x.shape[0], -1)
        return torch.softmax(torch.sigmoid(self.fc1(x)), -1)


class LstmNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, num_layers=2, batch_first=True)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


class LstmHn(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 5, num_layers=2, batch_first=True)
        self.head = nn.Linear(5, 3)

    def forward(self, x):
        _, (h, _) = self.rnn(x)
        return self.head(torch.relu(h[-1]))


MODELS = {
    'conv': (ConvNet, (1, 8, 8)),
    'lstm': (LstmNet, (5, 3)),
    'lstm_hn': (LstmHn, (6, 3)),
}


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    for i, (name, (cls, shape)) in enumerate(MODELS.items()):
        torch.manual_seed(i)
        net = cls().eval()
        x = torch.randn(3, *shape)
        with torch.no_grad():
            y = net(x)
        np.save(out / f'{name}_x.npy', x.numpy().astype(np.float32))
        np.save(out / f'{name}_y.npy', y.numpy().astype(np.float32))
        for opset in (13, 17):
            path = out / f'{name}_opset{opset}.onnx'
            torch.onnx.export(
                net, x, str(path), opset_version=opset, input_names=['x'], output_names=['y'],
                dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}},
            )
            print(f'{path}: torch {torch.__version__}, opset {opset}, output {tuple(y.shape)}')


if __name__ == '__main__':
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent / 'fixtures'))
