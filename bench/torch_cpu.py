#!/usr/bin/env python3
"""The same MLP as nnj-train and the original (784-128-64-10, ReLU, softmax + cross-entropy, SGD with
momentum 0.9, lr 0.01, shuffled batches of 64) in PyTorch on the CPU, in its best configuration:
float32, torch.set_num_threads(N) (default 2), OpenBLAS threads set apart, the whole data set converted to tensors up front,
batches cut by indexing (no DataLoader), the fused F.cross_entropy on logits.

Init as the original: He-normal for hidden layers, Xavier-uniform for the output layer, zero biases.
Per batch it also computes the batch accuracy (every trainer here reports it). Output: one JSON
line on stdout with the keys nnj-train --json prints; samples_per_second counts pure training
time (loading and test evaluation excluded), peak_rss_mb includes everything (torch itself too).
"""

import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_numpy import (blas_info, load_mnist, parse_layers, positive_int,  # noqa: E402
                        set_openblas_threads)


def build_model(arch):
    layers = []
    for i in range(len(arch) - 1):
        linear = torch.nn.Linear(arch[i], arch[i + 1])
        hidden = i < len(arch) - 2
        if hidden:
            torch.nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")  # He: std sqrt(2/in)
        else:
            torch.nn.init.xavier_uniform_(linear.weight)
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
        if hidden:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def train(model, x_train, y_train, epochs, batch_size, learning_rate):
    """Returns the last batch's (loss, accuracy)."""
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9)
    n = x_train.shape[0]
    loss = accuracy = torch.tensor(float("nan"))
    model.train()
    for _ in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, batch_size):
            index = order[start:start + batch_size]
            x_batch, y_batch = x_train[index], y_train[index]
            logits = model(x_batch)
            loss = F.cross_entropy(logits, y_batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                accuracy = (logits.argmax(dim=1) == y_batch).float().mean()
    return float(loss), float(accuracy)


def evaluate(model, x_test, y_test):
    model.eval()
    with torch.inference_mode():
        logits = model(x_test)
        loss = F.cross_entropy(logits, y_test)
        accuracy = (logits.argmax(dim=1) == y_test).float().mean()
    return float(loss), float(accuracy)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("NNJ_MNIST_DIR", "data"),
                        help="folder with the four raw MNIST IDX files (or .gz); default $NNJ_MNIST_DIR")
    parser.add_argument("--epochs", type=positive_int, default=3)
    parser.add_argument("--batch", type=positive_int, default=64)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--layers", type=parse_layers, default=[784, 128, 64, 10])
    parser.add_argument("--threads", type=positive_int, default=2,
                        help="torch.set_num_threads (intra-op OpenMP pool)")
    parser.add_argument("--blas-threads", type=positive_int, default=1,
                        help="OpenBLAS threads for the matrix products; with Debian's torch the two "
                             "pools are separate and 2+2 threads on 2 cores thrash")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--train-limit", type=positive_int, default=None,
                        help="train on the first N images only (development)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    set_openblas_threads(args.blas_threads)
    torch.manual_seed(args.seed)
    t0 = time.perf_counter()
    try:
        (x_train, y_train), (x_test, y_test) = load_mnist(args.data)
    except ValueError as error:
        print(f"torch_cpu: {error}", file=sys.stderr)
        return 2
    if args.train_limit:
        x_train, y_train = x_train[:args.train_limit], y_train[:args.train_limit]
    x_train = torch.from_numpy(np.ascontiguousarray(x_train)).float().div_(255.0)
    y_train = torch.from_numpy(y_train.astype(np.int64))
    x_test = torch.from_numpy(np.ascontiguousarray(x_test)).float().div_(255.0)
    y_test = torch.from_numpy(y_test.astype(np.int64))
    load_seconds = time.perf_counter() - t0

    model = build_model(args.layers)
    t1 = time.perf_counter()
    last_loss, last_accuracy = train(model, x_train, y_train, args.epochs, args.batch, args.lr)
    train_seconds = time.perf_counter() - t1
    test_loss, test_accuracy = evaluate(model, x_test, y_test)

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB
    print(json.dumps({
        "implementation": "torch-cpu",
        "samples_per_second": round(args.epochs * x_train.shape[0] / train_seconds, 1),
        "train_seconds": round(train_seconds, 3),
        "test_accuracy": round(test_accuracy, 4),
        "test_loss": round(test_loss, 4),
        "epochs": args.epochs,
        "batch": args.batch,
        "layers": args.layers,
        "peak_rss_mb": round(peak_rss_mb, 1),
        "threads": torch.get_num_threads(),
        "blas": blas_info(),
        "final_batch_loss": round(last_loss, 4),
        "final_batch_accuracy": round(last_accuracy, 4),
        "load_seconds": round(load_seconds, 3),
        "torch": torch.__version__,
    }), flush=True)
    return 0 if np.isfinite(test_loss) else 1


if __name__ == "__main__":
    sys.exit(main())
