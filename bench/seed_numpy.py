#!/usr/bin/env python3
"""The original's training loop (neural-network-journey, Python/NumPy), re-implemented faithfully
so that nnj-train can be compared against it on the same machine and the same data.

It follows the original's source (src/network/{layers,activations,loss,optimizer,model}.py,
src/data/loader.py and training_loop() in src/server.py) line for line where it matters for
speed or memory:
  * images are converted up front by preprocess_data: x.astype('float32') / 255.0, labels one-hot
    in float64; weights are float64 (np.random.normal / uniform), so every batch product runs in
    float64 (NumPy upcasts the float32 batch);
  * Dense keeps W as (in, out), forward X @ W + b, He init for hidden layers, Xavier (uniform)
    for the output layer; ReLU; a Softmax *layer* whose backward multiplies by the per-sample
    softmax Jacobian in a Python loop, after CrossEntropy.gradient has already returned the
    fused (p - y) / batch (the original does both: we keep it, it is part of its cost and behaviour);
  * SGD with momentum 0.9, lr 0.01; shuffled batches of 64 (np.random.shuffle on indices);
  * per batch, as training_loop() does for its WebSocket updates: the batch accuracy, the mean
    activation of every layer's output ([:100].tolist()), and every 10th batch (and the first)
    the JSON "update" message is serialised (not sent: there are no clients here).
Left out on purpose: the WebSocket send itself and the teaching-mode time.sleep() pauses
(3 s + 3 s + 2 s of deliberate waiting, not computation).

Output: one JSON line on stdout with the keys nnj-train --json prints. samples_per_second counts
pure training time (loading, preprocessing and test evaluation excluded); peak_rss_mb is the
process's peak resident set size, everything included (that is what a user pays for).
"""

import argparse
import gzip
import json
import os
import re
import resource
import sys
import time

import numpy as np


# ---------------------------------------------------------------------------------------------
# IDX loading. The original reads gzip files with np.frombuffer(f.read(), offset=16) unchecked; we
# read the raw IDX files (or their .gz twins) and check the header, so a wrong file fails clearly.

def read_idx(path, expected_magic, expected_dims):
    """Returns the IDX payload as a uint8 array shaped by the header; raises ValueError with the
    file name, what was expected and what was found when the file is not a valid IDX file."""
    if os.path.exists(path):
        data = np.fromfile(path, dtype=np.uint8)
    elif os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rb") as f:
            data = np.frombuffer(f.read(), dtype=np.uint8)
    else:
        raise ValueError(f"{path}: file not found (nor {path}.gz)")
    if data.size < 4:
        raise ValueError(f"{path}: expected an IDX header, found only {data.size} bytes")
    magic = int.from_bytes(data[:4].tobytes(), "big")
    if magic != expected_magic:
        raise ValueError(f"{path}: expected IDX magic 0x{expected_magic:08x}, found 0x{magic:08x}")
    header_size = 4 + 4 * expected_dims
    if data.size < header_size:
        raise ValueError(f"{path}: expected a {header_size}-byte header, found {data.size} bytes")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i].tobytes(), "big") for i in range(expected_dims)]
    payload = int(np.prod(dims))
    if data.size - header_size != payload:
        raise ValueError(f"{path}: header {dims} promises {payload} bytes of data, "
                         f"found {data.size - header_size}")
    return data[header_size:].reshape(dims)


def load_mnist(data_dir):
    """As the original's load_mnist: ((x_train, y_train), (x_test, y_test)), images (n, 784) uint8."""
    def images(name):
        x = read_idx(os.path.join(data_dir, name), 0x00000803, 3)
        if x.shape[1:] != (28, 28):
            raise ValueError(f"{name}: expected 28x28 images, found {x.shape[1]}x{x.shape[2]}")
        return x.reshape(-1, 28 * 28)

    def labels(name):
        y = read_idx(os.path.join(data_dir, name), 0x00000801, 1)
        if y.size and y.max() > 9:
            raise ValueError(f"{name}: expected labels 0..9, found {int(y.max())}")
        return y

    x_train, y_train = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
    x_test, y_test = images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")
    for x, y, what in ((x_train, y_train, "train"), (x_test, y_test, "t10k")):
        if x.shape[0] != y.shape[0]:
            raise ValueError(f"{what}: {x.shape[0]} images but {y.shape[0]} labels")
    return (x_train, y_train), (x_test, y_test)


def preprocess_data(x, y, num_classes=10, x_dtype="float32"):
    """As the original: normalise to [0, 1] (float32 there) and one-hot encode (float64)."""
    x = x.astype(x_dtype) / 255.0
    y_onehot = np.zeros((y.size, num_classes))
    y_onehot[np.arange(y.size), y] = 1
    return x, y_onehot


def get_batches(x, y, batch_size):
    """As the original: a fresh shuffle per call (per epoch), then copies of each batch."""
    n_samples = x.shape[0]
    indices = np.arange(n_samples)
    np.random.shuffle(indices)
    for i in range(0, n_samples, batch_size):
        batch_indices = indices[i:min(i + batch_size, n_samples)]
        yield x[batch_indices], y[batch_indices]


# ---------------------------------------------------------------------------------------------
# The network, as the original's src/network package.

def relu(x):
    return np.maximum(0, x)


def relu_derivative(x):
    return (x > 0).astype(float)


def softmax(x):
    exp_x = np.exp(x - np.max(x, axis=-1, keepdims=True))  # subtract max for stability
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)


class Dense:
    """y = x @ W + b with W (in, out), b (1, out); gradients are stored for the optimiser."""

    def __init__(self, input_size, output_size, init_type="he"):
        self.input = None
        self.output = None
        if init_type == "xavier":
            limit = np.sqrt(6 / (input_size + output_size))
            self.weights = np.random.uniform(-limit, limit, (input_size, output_size))
        else:
            std = np.sqrt(2 / input_size)
            self.weights = np.random.normal(0, std, (input_size, output_size))
        self.bias = np.zeros((1, output_size))
        self.weights_grad = None
        self.bias_grad = None
        self.weights_m = np.zeros_like(self.weights)
        self.bias_m = np.zeros_like(self.bias)

    def forward(self, input_data):
        self.input = input_data
        self.output = np.dot(self.input, self.weights) + self.bias
        return self.output

    def backward(self, output_gradient, learning_rate):
        self.weights_grad = np.dot(self.input.T, output_gradient)
        self.bias_grad = np.sum(output_gradient, axis=0, keepdims=True)
        return np.dot(output_gradient, self.weights.T)


class ReLU:
    def __init__(self):
        self.input = None
        self.output = None

    def forward(self, input_data):
        self.input = input_data
        self.output = relu(self.input)
        return self.output

    def backward(self, output_gradient, learning_rate):
        return output_gradient * relu_derivative(self.input)


class Softmax:
    """The original's Softmax layer: backward applies the full per-sample Jacobian diag(s) - s s^T."""

    def __init__(self):
        self.input = None
        self.output = None

    def forward(self, input_data):
        self.input = input_data
        self.output = softmax(input_data)
        return self.output

    def backward(self, output_gradient, learning_rate):
        n = self.output.shape[0]
        out_grad = np.zeros_like(self.input)
        for i in range(n):
            s = self.output[i].reshape(-1, 1)
            jacobian = np.diagflat(s) - np.dot(s, s.T)
            out_grad[i] = np.dot(jacobian, output_gradient[i].reshape(-1, 1)).flatten()
        return out_grad


class CrossEntropy:
    def loss(self, y_true, y_pred):
        y_pred = np.clip(y_pred, 1e-15, 1 - 1e-15)  # avoid log(0)
        return -np.mean(np.sum(y_true * np.log(y_pred), axis=1))

    def gradient(self, y_true, y_pred):
        return (y_pred - y_true) / y_true.shape[0]  # fused softmax + cross-entropy gradient


class SGD:
    def __init__(self, learning_rate=0.01, momentum=0.0):
        self.learning_rate = learning_rate
        self.momentum = momentum

    def update(self, layers):
        for layer in layers:
            if isinstance(layer, Dense):
                layer.weights_m = self.momentum * layer.weights_m - self.learning_rate * layer.weights_grad
                layer.weights += layer.weights_m
                layer.bias_m = self.momentum * layer.bias_m - self.learning_rate * layer.bias_grad
                layer.bias += layer.bias_m


class NeuralNetwork:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, input_data):
        for layer in self.layers:
            input_data = layer.forward(input_data)
        return input_data

    def backward(self, output_gradient, learning_rate):
        for layer in reversed(self.layers):
            output_gradient = layer.backward(output_gradient, learning_rate)
        return output_gradient

    def train_step(self, x_batch, y_batch, loss_fn, optimizer):
        y_pred = self.forward(x_batch)
        loss_val = loss_fn.loss(y_batch, y_pred)
        grad = loss_fn.gradient(y_batch, y_pred)
        self.backward(grad, optimizer.learning_rate)
        optimizer.update(self.layers)
        return loss_val, y_pred

    def predict(self, input_data):
        return self.forward(input_data)


def build_network(arch):
    """As the original's training_loop(): Dense+ReLU for hidden layers, Dense(xavier)+Softmax last."""
    layers = []
    for i in range(len(arch) - 1):
        hidden = i < len(arch) - 2
        layers.append(Dense(arch[i], arch[i + 1], init_type="he" if hidden else "xavier"))
        layers.append(ReLU() if hidden else Softmax())
    return NeuralNetwork(layers)


def get_layer_activations(layer):
    if layer.output is not None:
        return np.mean(layer.output, axis=0)[:100].tolist()
    return []


# ---------------------------------------------------------------------------------------------

def train(nn, x_train, y_train, epochs, batch_size, learning_rate, progress):
    """The body of the original's training_loop() without the sends and sleeps. Returns the last
    batch's (loss, accuracy)."""
    loss_fn = CrossEntropy()
    optimizer = SGD(learning_rate=learning_rate, momentum=0.9)
    loss = acc = float("nan")
    for epoch in range(epochs):
        batches = 0
        for x_batch, y_batch in get_batches(x_train, y_train, batch_size):
            loss, y_pred = nn.train_step(x_batch, y_batch, loss_fn, optimizer)
            acc = np.mean(np.argmax(y_pred, axis=1) == np.argmax(y_batch, axis=1))
            batches += 1
            activations = [get_layer_activations(layer) for layer in nn.layers]
            if batches == 1 or batches % 10 == 0:
                payload = {"type": "update",
                           "stats": {"epoch": epoch + 1, "batch": batches,
                                     "loss": float(loss), "accuracy": float(acc)},
                           "activations": activations}
                json.dumps(payload)  # what the original broadcasts; serialised, not sent
            if progress and batches % 100 == 0:
                print(f"Epoch {epoch + 1}, Batch {batches}, Loss: {loss:.4f}, Acc: {acc:.4f}",
                      file=sys.stderr)
    return float(loss), float(acc)


def evaluate(nn, x_test, y_test, chunk=1000):
    """Test-set (loss, accuracy), in chunks so evaluation does not raise the peak RSS."""
    loss_fn = CrossEntropy()
    total_loss = 0.0
    correct = 0
    for i in range(0, x_test.shape[0], chunk):
        y_pred = nn.predict(x_test[i:i + chunk])
        y_true = y_test[i:i + chunk]
        total_loss += loss_fn.loss(y_true, y_pred) * y_true.shape[0]
        correct += int(np.sum(np.argmax(y_pred, axis=1) == np.argmax(y_true, axis=1)))
    return total_loss / x_test.shape[0], correct / x_test.shape[0]


def blas_info():
    """Which BLAS this process really uses for its matrix products (numpy.show_config only tells
    what NumPy was built against; Debian swaps libblas.so.3 through alternatives), e.g.
    "OpenBLAS 0.3.21 ... Zen, 2 threads (...)" or "reference BLAS (...)". Linux only."""
    import ctypes
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps
                            if re.search(r"\.so[.0-9]*$", line.rstrip())})
    except OSError:
        return "unknown (no /proc/self/maps)"
    names = {path: os.path.basename(path) for path in paths}
    openblas = [path for path, name in names.items() if name.startswith("libopenblas")]
    generic = [path for path, name in names.items() if re.match(r"libc?blas\.so", name)]
    other = [path for path, name in names.items() if re.match(r"lib(mkl_rt|mkl_core|blis)", name)]

    def describe_openblas(path):
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            config = lib.openblas_get_config().decode().strip()
            return f"{config}, {lib.openblas_get_num_threads()} threads ({path})"
        except (OSError, AttributeError):
            return f"OpenBLAS ({path})"

    # Debian: numpy/torch link libblas.so.3; its real file is either the reference BLAS
    # (.../blas/libblas.so.3) or OpenBLAS's wrapper (.../openblas-pthread/libblas.so.3).
    if generic:
        if all("openblas" in path for path in generic) and openblas:
            return describe_openblas(openblas[0])
        return f"reference BLAS ({', '.join(generic)}) - slow; install libopenblas0-pthread"
    if openblas:  # e.g. a pip wheel with its own bundled OpenBLAS
        return describe_openblas(openblas[0])
    return ", ".join(other) or "unknown"


def set_openblas_threads(count):
    """Sets the thread count of the OpenBLAS this process loaded (torch.set_num_threads cannot
    when torch was built against the generic libblas, as Debian's is). Returns False when no
    OpenBLAS is loaded."""
    import ctypes
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "libopenblas" in line}
    for path in paths:
        try:
            ctypes.CDLL(path).openblas_set_num_threads(count)
            return True
        except (OSError, AttributeError):
            continue
    return False


def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text}")
    return value


def parse_layers(text):
    try:
        layers = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, found '{text}'")
    if len(layers) < 2 or layers[0] != 784 or layers[-1] != 10 or min(layers) <= 0:
        raise argparse.ArgumentTypeError(f"expected 784,...,10 with positive sizes, found '{text}'")
    return layers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("NNJ_MNIST_DIR", "data"),
                        help="folder with the four raw MNIST IDX files (or .gz); default $NNJ_MNIST_DIR")
    parser.add_argument("--epochs", type=positive_int, default=3)
    parser.add_argument("--batch", type=positive_int, default=64)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--layers", type=parse_layers, default=[784, 128, 64, 10])
    parser.add_argument("--seed", type=int, default=42, help="np.random.seed value")
    parser.add_argument("--train-limit", type=positive_int, default=None,
                        help="train on the first N images only (development)")
    parser.add_argument("--x-dtype", choices=["float32", "float64"], default="float32",
                        help="dtype of the preprocessed images (the original uses float32)")
    parser.add_argument("--progress", action="store_true", help="print the original's progress lines to stderr")
    args = parser.parse_args()

    np.random.seed(args.seed)
    t0 = time.perf_counter()
    try:
        (x_train, y_train), (x_test, y_test) = load_mnist(args.data)
    except ValueError as error:
        print(f"seed_numpy: {error}", file=sys.stderr)
        return 2
    if args.train_limit:
        x_train, y_train = x_train[:args.train_limit], y_train[:args.train_limit]
    # The original's server preprocesses the training set only; we also need the test set, after it.
    x_train, y_train = preprocess_data(x_train, y_train, x_dtype=args.x_dtype)
    load_seconds = time.perf_counter() - t0

    nn = build_network(args.layers)
    t1 = time.perf_counter()
    last_loss, last_acc = train(nn, x_train, y_train, args.epochs, args.batch, args.lr, args.progress)
    train_seconds = time.perf_counter() - t1

    t2 = time.perf_counter()
    x_test, y_test = preprocess_data(x_test, y_test, x_dtype=args.x_dtype)
    test_loss, test_accuracy = evaluate(nn, x_test, y_test)
    eval_seconds = time.perf_counter() - t2

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB
    result = {
        "implementation": "seed-numpy",
        "samples_per_second": round(args.epochs * x_train.shape[0] / train_seconds, 1),
        "train_seconds": round(train_seconds, 3),
        "test_accuracy": round(test_accuracy, 4),
        "test_loss": round(float(test_loss), 4),
        "epochs": args.epochs,
        "batch": args.batch,
        "layers": args.layers,
        "peak_rss_mb": round(peak_rss_mb, 1),
        "final_batch_loss": round(last_loss, 4),
        "final_batch_accuracy": round(last_acc, 4),
        "load_seconds": round(load_seconds, 3),
        "eval_seconds": round(eval_seconds, 3),
        "numpy": np.__version__,
        "blas": blas_info(),
    }
    print(json.dumps(result), flush=True)
    return 0 if np.isfinite(test_loss) else 1


if __name__ == "__main__":
    sys.exit(main())
