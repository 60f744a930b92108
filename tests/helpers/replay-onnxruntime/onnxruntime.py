"""A stand-in for Python's onnxruntime, which cannot be installed on the build machines: replays the outputs that
onnxruntime-node computed for the same feeds, so crucible_predict.py's prediction path runs end to end in tests.

REPLAY_ONNXRUNTIME names a JSON file {"sessions": {<sha-256 of the model's bytes>: {"outputs": [{"name", "shape"}],
"calls": [{"feeds": {name: {"dims", "data"}}, "outputs": {name: {"dims", "data"}}}]}}}: a session replays the calls
recorded for its model. Each run must send exactly the feeds of the next recorded call (float32, bit for bit), else
it raises: a helper that builds other inputs than the ones the outputs were computed from fails.
"""
import hashlib
import json
import os

import numpy as np


class _Output:
    def __init__(self, name, shape):
        self.name = name
        self.shape = shape


class InferenceSession:
    def __init__(self, model, providers=None):
        with open(os.environ["REPLAY_ONNXRUNTIME"], encoding="utf-8") as f:
            sessions = json.load(f)["sessions"]
        key = hashlib.sha256(model).hexdigest()
        if key not in sessions:
            raise RuntimeError(f"replay: no session was recorded for the model with sha-256 {key}")
        self._replay = sessions[key]
        self._calls = iter(self._replay["calls"])

    def get_outputs(self):
        return [_Output(o["name"], o["shape"]) for o in self._replay["outputs"]]

    def run(self, names, feeds):
        call = next(self._calls, None)
        if call is None:
            raise RuntimeError("replay: more runs than recorded")
        if sorted(feeds) != sorted(call["feeds"]):
            raise RuntimeError(f"replay: feeds {sorted(feeds)}, recorded {sorted(call['feeds'])}")
        for name, want in call["feeds"].items():
            got = np.asarray(feeds[name])
            expected = np.asarray(want["data"], np.float32).reshape(want["dims"])
            if got.dtype != np.float32 or got.shape != expected.shape or not np.array_equal(got, expected):
                raise RuntimeError(f"replay: feed {name} ({got.dtype} {got.shape}) differs from the recorded one {expected.shape}")
        return [np.asarray(call["outputs"][n]["data"], np.float32).reshape(call["outputs"][n]["dims"]) for n in names]
