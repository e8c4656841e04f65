#!/usr/bin/env python3
"""Checks of the benchmark's Python contenders on tiny IDX fixtures written here (seconds, no
real MNIST): seed_numpy.py keeps the original's maths (including its doubled softmax
derivative), both scripts print the agreed JSON line, and bad data gives a clear error.
Run: python3 bench/test_bench.py   (needs numpy; the PyTorch checks skip without torch)."""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import seed_numpy  # noqa: E402

KEYS = {"samples_per_second", "train_seconds", "test_accuracy", "test_loss", "epochs", "batch",
        "layers", "peak_rss_mb"}


def write_idx(path, magic, array):
    with open(path, "wb") as f:
        f.write(magic.to_bytes(4, "big"))
        for dim in array.shape:
            f.write(int(dim).to_bytes(4, "big"))
        f.write(array.astype(np.uint8).tobytes())


def write_fixture(folder, train=256, test=64):
    """Learnable fake digits: class k lights up row block k of the image."""
    rng = np.random.default_rng(1)
    for prefix, count in (("train", train), ("t10k", test)):
        labels = rng.integers(0, 10, count)
        images = rng.integers(0, 40, (count, 28, 28))
        for i, label in enumerate(labels):
            images[i, 2 * label + 4:2 * label + 6, 4:24] = 250
        write_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), 0x803, images)
        write_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), 0x801, labels)


def run_script(name, *args):
    return subprocess.run([sys.executable, os.path.join(HERE, name), *args], capture_output=True,
                          text=True, timeout=120)


class SeedMaths(unittest.TestCase):
    def test_dense_backward_matches_finite_differences(self):
        np.random.seed(0)
        layer = seed_numpy.Dense(5, 3)
        x = np.random.randn(4, 5)
        upstream = np.random.randn(4, 3)
        layer.forward(x)
        grad_x = layer.backward(upstream, 0.01)
        eps = 1e-6
        for (i, j) in [(0, 0), (2, 1), (4, 2)]:
            saved = layer.weights[i, j]
            layer.weights[i, j] = saved + eps
            plus = np.sum(layer.forward(x) * upstream)
            layer.weights[i, j] = saved - eps
            minus = np.sum(layer.forward(x) * upstream)
            layer.weights[i, j] = saved
            self.assertAlmostEqual(layer.weights_grad[i, j], (plus - minus) / (2 * eps), places=6)
        self.assertTrue(np.allclose(grad_x, upstream @ layer.weights.T))

    def test_softmax_derivative_is_applied_twice_as_in_the_seed(self):
        # The original's CrossEntropy.gradient returns the fused (p - y)/B, and its Softmax layer then
        # multiplies by the softmax Jacobian again. The re-implementation must keep that.
        np.random.seed(0)
        logits = np.random.randn(3, 10)
        y = np.eye(10)[[1, 4, 7]]
        softmax = seed_numpy.Softmax()
        p = softmax.forward(logits)
        grad = softmax.backward(seed_numpy.CrossEntropy().gradient(y, p), 0.01)
        expected = np.stack([(np.diag(p[i]) - np.outer(p[i], p[i])) @ ((p[i] - y[i]) / 3) for i in range(3)])
        self.assertTrue(np.allclose(grad, expected))
        self.assertFalse(np.allclose(grad, (p - y) / 3))

    def test_momentum_update(self):
        layer = seed_numpy.Dense(2, 2)
        layer.weights[:] = 1.0
        layer.weights_grad = np.full((2, 2), 2.0)
        layer.bias_grad = np.full((1, 2), 2.0)
        sgd = seed_numpy.SGD(learning_rate=0.1, momentum=0.9)
        sgd.update([layer])
        sgd.update([layer])  # v1 = -0.2, v2 = 0.9 * -0.2 - 0.2 = -0.38: w = 1 - 0.58
        self.assertTrue(np.allclose(layer.weights, 0.42))

    def test_architecture_and_init(self):
        np.random.seed(0)
        nn = seed_numpy.build_network([784, 128, 64, 10])
        kinds = [type(layer).__name__ for layer in nn.layers]
        self.assertEqual(kinds, ["Dense", "ReLU", "Dense", "ReLU", "Dense", "Softmax"])
        self.assertAlmostEqual(nn.layers[0].weights.std(), np.sqrt(2 / 784), delta=0.002)  # He
        limit = np.sqrt(6 / 74)  # Xavier uniform for the output layer
        self.assertLessEqual(np.abs(nn.layers[4].weights).max(), limit)


class Scripts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        write_fixture(cls.folder.name)

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def check_result(self, process):
        self.assertEqual(process.returncode, 0, process.stderr)
        result = json.loads(process.stdout.strip().splitlines()[-1])
        self.assertLessEqual(KEYS, set(result))
        self.assertEqual(result["epochs"], 2)
        self.assertEqual(result["layers"], [784, 128, 64, 10])
        self.assertGreater(result["samples_per_second"], 0)
        self.assertGreater(result["peak_rss_mb"], 10)
        self.assertTrue(0 <= result["test_accuracy"] <= 1)
        return result

    def test_seed_numpy_learns_the_fixture(self):
        result = self.check_result(run_script("seed_numpy.py", "--data", self.folder.name, "--epochs", "2",
                                              "--batch", "16", "--lr", "0.1"))
        self.assertGreater(result["test_accuracy"], 0.5)
        self.assertTrue(result["blas"])

    def test_torch_cpu_learns_the_fixture(self):
        if importlib.util.find_spec("torch") is None:
            self.skipTest("PyTorch not installed")
        result = self.check_result(run_script("torch_cpu.py", "--data", self.folder.name, "--epochs", "2",
                                              "--batch", "16", "--lr", "0.1"))
        self.assertGreater(result["test_accuracy"], 0.5)

    def test_truncated_file_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as folder:
            write_fixture(folder)
            path = os.path.join(folder, "train-images-idx3-ubyte")
            with open(path, "r+b") as f:
                f.truncate(1000)
            process = run_script("seed_numpy.py", "--data", folder, "--epochs", "1")
            self.assertEqual(process.returncode, 2)
            self.assertIn("train-images-idx3-ubyte", process.stderr)
            self.assertIn("promises", process.stderr)
            self.assertEqual(process.stdout, "")

    def test_wrong_magic_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as folder:
            write_fixture(folder)
            labels = os.path.join(folder, "t10k-labels-idx1-ubyte")
            images = os.path.join(folder, "t10k-images-idx3-ubyte")
            with open(images, "rb") as source, open(labels, "wb") as target:
                target.write(source.read())  # an image file where the labels should be
            process = run_script("seed_numpy.py", "--data", folder, "--epochs", "1")
            self.assertEqual(process.returncode, 2)
            self.assertIn("t10k-labels-idx1-ubyte: expected IDX magic 0x00000801, found 0x00000803",
                          process.stderr)

    def test_missing_folder_is_a_clear_error(self):
        process = run_script("seed_numpy.py", "--data", "/nonexistent-nnj", "--epochs", "1")
        self.assertEqual(process.returncode, 2)
        self.assertIn("/nonexistent-nnj/train-images-idx3-ubyte: file not found", process.stderr)


if __name__ == "__main__":
    unittest.main()
