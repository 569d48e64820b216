#!/usr/bin/env python3
"""Tiny ONNX models for the descriptor tests (layouts, channel order, pooling, fixed batch).

Run with the converter's venv (onnx installed):
  embedder/tools/nsfwjs-converter/.venv/bin/python embedder/tools/test-models/make_test_models.py \
      embedder/core/src/test/resources/test-models
Each model multiplies its input by 2, so a test can predict the exact output of any descriptor.
"""
import os
import sys

import onnx
from onnx import TensorProto, helper


def times_two(name, in_shape, out_name="features"):
    inp = helper.make_tensor_value_info("image", TensorProto.FLOAT, in_shape)
    out = helper.make_tensor_value_info(out_name, TensorProto.FLOAT, in_shape)
    two = helper.make_tensor("two", TensorProto.FLOAT, [], [2.0])
    node = helper.make_node("Mul", ["image", "two"], [out_name])
    graph = helper.make_graph([node], name, [inp], [out], initializer=[two])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="imgsearch-tests")
    model.ir_version = 7
    onnx.checker.check_model(model, full_check=True)
    return model


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    # NHWC, dynamic batch, 8x8 RGB -> feature map [N,8,8,3] (NHWC)
    onnx.save(times_two("nhwc_times_two", ["N", 8, 8, 3]), os.path.join(out_dir, "nhwc-times-two.onnx"))
    # NCHW, batch fixed at 1, 8x8 -> feature map [1,3,8,8]
    onnx.save(times_two("nchw_batch1_times_two", [1, 3, 8, 8]), os.path.join(out_dir, "nchw-batch1-times-two.onnx"))


if __name__ == "__main__":
    main(sys.argv[1])
