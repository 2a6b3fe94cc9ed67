// Precompiled for the model sources only; public headers never include libtorch.
#pragma once
#include <ATen/ATen.h>
#include <torch/types.h>
