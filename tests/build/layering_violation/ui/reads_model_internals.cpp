// A desktop file reaching into the model's internals: the layering check must refuse it.
#include "core/model/decoder_layer.h"
#include "core/model/embedder.h"
