#!/usr/bin/env python3
"""Baseline for the model-quality bench: Magpie descriptors + a 200-tree random forest (scikit-learn).

Reads what `npm run bench -- model-quality` exported for one data set (the descriptors Crucible's own
Magpie featurizer computed, Crucible's formula-grouped split, the targets), fits one forest per task on
the train + val rows that have that task's label (a forest needs no validation rows), and scores the
test rows with the metrics Crucible reports:
  regression : MAE, RMSE, R^2
  curves     : MAE and RMSE over the known points (one multi-output forest per curve task)
  classes    : accuracy, balanced accuracy, macro F1, ROC-AUC from predict_proba
Forests: RandomForestRegressor / RandomForestClassifier(n_estimators=200, random_state=0), sklearn
defaults otherwise; missing descriptor values are filled with the training mean, as Crucible does.

Run with Debian's interpreter (python3-sklearn): /usr/bin/python3 bench/peer/magpie_rf.py DIR [--jobs N]
DIR holds meta.json, x.f32 (n x d), split.u8 (0 train, 1 val, 2 test) and y_<k>.f32 (n x width, NaN =
missing) per task k. Prints one JSON line: {"tasks": {name: {metric: value}}, "seconds": s}.
"""
import argparse
import json
import os
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, f1_score, mean_absolute_error,
                             mean_squared_error, r2_score, roc_auc_score)


def load(folder):
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    n, d = meta["n"], meta["d"]
    x = np.fromfile(os.path.join(folder, "x.f32"), dtype=np.float32).reshape(n, d)
    split = np.fromfile(os.path.join(folder, "split.u8"), dtype=np.uint8)
    ys = [np.fromfile(os.path.join(folder, f"y_{k}.f32"), dtype=np.float32).reshape(n, t["width"]) for k, t in enumerate(meta["tasks"])]
    return meta, x, split, ys


def impute(x, fit_rows):
    means = np.nanmean(x[fit_rows], axis=0)
    means = np.where(np.isnan(means), 0.0, means)
    return np.where(np.isnan(x), means, x)


def score(kind, model, x_test, y_test):
    if kind == "classification":
        labels = y_test[:, 0].astype(int)
        proba = model.predict_proba(x_test)
        pred = model.classes_[np.argmax(proba, axis=1)].astype(int)
        out = {
            "accuracy": accuracy_score(labels, pred),
            "balanced_accuracy": balanced_accuracy_score(labels, pred),
            "f1_macro": f1_score(labels, pred, average="macro"),
        }
        if len(model.classes_) == 2 and len(np.unique(labels)) == 2:
            out["roc_auc"] = roc_auc_score(labels, proba[:, list(model.classes_).index(1)])
        elif len(np.unique(labels)) > 2:
            out["roc_auc"] = roc_auc_score(labels, proba, multi_class="ovr", labels=model.classes_)
        return out
    pred = model.predict(x_test).reshape(y_test.shape)
    known = ~np.isnan(y_test)
    err = pred[known] - y_test[known]
    out = {"mae": float(np.mean(np.abs(err))), "rmse": float(np.sqrt(np.mean(err**2)))}
    if y_test.shape[1] == 1:
        out["r2"] = r2_score(y_test[:, 0], pred[:, 0])
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    started = time.time()
    meta, x, split, ys = load(args.folder)
    fit_rows = split != 2
    x = impute(x, fit_rows)
    results = {}
    for task, y in zip(meta["tasks"], ys):
        # Curves count as labelled where any point is known; the forest needs complete rows, so gaps are 0.
        labelled = ~np.all(np.isnan(y), axis=1)
        train = fit_rows & labelled
        test = (split == 2) & labelled
        kind = task["kind"]
        if kind == "classification":
            model = RandomForestClassifier(n_estimators=200, random_state=0, n_jobs=args.jobs)
            model.fit(x[train], y[train, 0].astype(int))
        else:
            model = RandomForestRegressor(n_estimators=200, random_state=0, n_jobs=args.jobs)
            target = np.nan_to_num(y[train], nan=0.0)
            model.fit(x[train], target[:, 0] if target.shape[1] == 1 else target)
        results[task["name"]] = {k: float(v) for k, v in score(kind, model, x[test], y[test]).items()}
        results[task["name"]]["train_rows"] = int(train.sum())
        results[task["name"]]["test_rows"] = int(test.sum())
    print(json.dumps({"tasks": results, "seconds": time.time() - started}))


if __name__ == "__main__":
    main()
