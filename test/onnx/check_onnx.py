#!/usr/bin/env python3
"""Runs onnx.checker.check_model(full_check=True) (Debian's python3-onnx) on every .onnx file
given, or on every .onnx file under the directories given. Prints one line per model and
exits 1 if any fails.

    /usr/bin/python3 test/onnx/check_onnx.py OUT_DIR_OR_FILES...
"""
import pathlib
import sys

import onnx


def models(args):
    for a in args:
        p = pathlib.Path(a)
        if p.is_dir():
            yield from sorted(p.rglob('*.onnx'))
        else:
            yield p


def main(args):
    if not args:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    failed = 0
    count = 0
    for path in models(args):
        count += 1
        try:
            model = onnx.load(str(path))
            onnx.checker.check_model(model, full_check=True)
            opset = next(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx'))
            print(f'ok    {path} (IR {model.ir_version}, opset {opset}, {len(model.graph.node)} nodes)')
        except Exception as e:  # the checker raises several exception types
            failed += 1
            print(f'FAIL  {path}: {type(e).__name__}: {e}')
    print(f'{count - failed}/{count} models pass onnx {onnx.__version__} check_model(full_check=True)')
    return 1 if failed or count == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
