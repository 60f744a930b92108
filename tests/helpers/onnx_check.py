"""Validates ONNX files with the reference checker: `/usr/bin/python3 tests/helpers/onnx_check.py FILE...`.

Runs onnx.checker.check_model(model, full_check=True) (which includes strict shape inference) on
each file; prints one line per file and exits non-zero if any fails or if onnx is not installed.
"""
import sys

try:
    import onnx
except ImportError:
    sys.stderr.write(
        "The Python package onnx is not installed for /usr/bin/python3. "
        "Install it with: sudo apt-get install python3-onnx\n"
    )
    sys.exit(3)

failed = 0
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        print(f"ok {path}")
    except Exception as error:  # the checker raises several exception types
        failed += 1
        print(f"FAILED {path}: {error}")
sys.exit(1 if failed else 0)
