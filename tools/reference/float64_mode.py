"""Runs abc_reference's upstream computation in float64, for goldens that carry no float32 noise.

The upstream Qwen2-VL code upcasts to float32 in a few places (RMSNorm, softmax of the eager
attention, the vision rotary application, ABC's head output). On a float64 model those upcasts
would round back to float32, so `KeepFloat64` turns a float32 upcast of a float64 tensor into a
no-op. Every other conversion is left alone, in particular the ones that define the rotary
tables ABC's bf16 runtime holds: the vision table stays bf16 (built from the bf16 `inv_freq`
buffer, values exact in float64) and the text table stays float32 (bf16 `inv_freq` and the
positions upcast to float32, product and cos/sin in float32, then converted to the model's
dtype). The pretrain adapter is merged in float32 before the cast, as the engine merges it.

    ref = abc_reference.AbcReference(base, pretrain, instruct)
    to_float64(ref)
    with KeepFloat64():
        vector = ref.embed(...)
"""

from __future__ import annotations

import torch
from torch.overrides import TorchFunctionMode

import abc_reference


class KeepFloat64(TorchFunctionMode):
    """float64 tensors stay float64 where the upstream code upcasts to float32."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if args and isinstance(args[0], torch.Tensor) and args[0].dtype == torch.float64:
            name = getattr(func, "__name__", "")
            if name == "float":
                return args[0]
            if name == "to":
                args = tuple(torch.float64 if a is torch.float32 else a for a in args)
                if kwargs.get("dtype") is torch.float32:
                    kwargs["dtype"] = torch.float64
            elif name == "softmax" and kwargs.get("dtype") is torch.float32:
                kwargs["dtype"] = torch.float64
        return func(*args, **kwargs)


def to_float64(ref: abc_reference.AbcReference) -> None:
    """Casts the loaded (merged) model and the switched adapter to float64, rotary buffers kept bf16."""
    (ref.peft if ref.peft is not None else ref.model).double()
    # .double() also cast the bf16 inv_freq buffers; their values are bf16 numbers, so casting
    # back is exact and the upstream code again builds its tables from bf16 buffers.
    abc_reference.round_rotary_buffers_to_bf16(ref.model)
    for name, param in ref.model.named_parameters():
        if param.dtype != torch.float64:
            raise RuntimeError(f"{name} is not float64")
