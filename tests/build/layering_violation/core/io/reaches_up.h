// The lowest folder including the library: the layering check must refuse it.
#include "core/io/error.h"
#include "core/library/photo_search.h"
